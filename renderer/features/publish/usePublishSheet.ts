import { useCallback, useEffect, useState } from 'react';
import type { KilnError } from '../../../shared/contract/core';
import type { AccessChoice, Preflight, PublishResult } from '../../../shared/contract/publish';
import { api, toKilnError } from '../../api/client';
import { useAsyncAction } from '../../hooks/useAsyncAction';
import { useShell } from '../../stores/shell';
import type { AccessDraft } from './AccessPicker';
import { accessLimitProblem } from './access-limits';
import { splitEmails } from './format';
import { usePublish } from './store';

type Phase = 'review' | 'publishing' | 'done';

/** Only these ask for a key; any other refusal (a folder linked outside the workspace, …) shows its message. */
const needsApiKey = (e: KilnError): boolean => e.reason === 'publish-key-missing' || e.reason === 'publish-key-rejected';

function choiceFrom(draft: AccessDraft): AccessChoice {
  if (draft.mode === 'public') return { mode: 'public' };
  if (draft.mode === 'password') return draft.password ? { mode: 'password', password: draft.password } : { mode: 'password' };
  return { mode: 'restricted', emails: splitEmails(draft.emails), orgAllowed: draft.orgAllowed };
}

const NO_KEY = 'No publish API key is set yet. Enter your key to publish.';

/**
 * The review sheet's state: the preflight, the access choice, publish / unpublish and the
 * key prompt. Progress comes from the publish store (the sync module feeds it).
 */
export function usePublishSheet(slug: string) {
  const notify = useShell((s) => s.notify);
  const setStatus = usePublish((s) => s.set);
  const progress = usePublish((s) => s.progress[slug] ?? null);
  const [pf, setPf] = useState<Preflight | null>(null);
  const [phase, setPhase] = useState<Phase>('review');
  const [result, setResult] = useState<PublishResult | null>(null);
  const [error, setError] = useState<KilnError | null>(null);
  const [keyNeeded, setKeyNeeded] = useState<string | null>(null);
  const [access, setAccess] = useState<AccessDraft>({ mode: 'public', password: '', emails: '', orgAllowed: false });
  const [confirmUnpublish, setConfirmUnpublish] = useState(false);

  const refused = useCallback((err: KilnError): void => {
    if (err.code === 'CANCELLED') return;
    if (needsApiKey(err)) setKeyNeeded(err.message);
    else setError(err);
  }, []);

  const preflight = useAsyncAction(async () => {
    const next = await api.call('publish.preflight', { slug });
    setPf(next);
    setStatus(next.status);
    const a = next.status.access;
    setAccess({ mode: a.mode, password: '', emails: a.emails.join(', '), orgAllowed: a.orgAllowed });
    if (!next.apiKeySet) setKeyNeeded(NO_KEY);
  });
  const load = preflight.run;
  useEffect(() => void load(), [load]);

  const publish = async (): Promise<void> => {
    setPhase('publishing');
    setError(null);
    usePublish.getState().clearProgress(slug);
    try {
      setResult(await api.call('publish.start', { slug, access: choiceFrom(access) }));
      setPhase('done');
    } catch (e) {
      setPhase('review');
      refused(toKilnError(e));
    }
  };

  const unpublish = useAsyncAction(
    async () => {
      try {
        setStatus(await api.call('publish.unpublish', { slug }));
      } finally {
        setConfirmUnpublish(false);
      }
      setResult(null);
      setPhase('review');
      notify({ level: 'success', message: 'The report was unpublished; its link no longer works.' });
      await load();
    },
    { onError: refused },
  );

  const accessIncomplete =
    (access.mode === 'password' && access.password === '' && !(pf?.status.access.passwordSet ?? false)) ||
    (access.mode === 'restricted' && splitEmails(access.emails).length === 0) ||
    accessLimitProblem(access) !== null;

  return {
    pf,
    loadError: preflight.error,
    reload: load,
    phase,
    progress,
    result,
    error,
    keyNeeded,
    keySaved: () => {
      setKeyNeeded(null);
      void load();
    },
    access,
    setAccess,
    published: pf !== null && pf.status.state !== 'not-published',
    canPublish: pf !== null && pf.blocking.length === 0 && !accessIncomplete && keyNeeded === null,
    publish,
    cancel: () => void api.call('publish.cancel', { slug }).catch(() => undefined),
    confirmUnpublish,
    setConfirmUnpublish,
    unpublish: () => void unpublish.run(),
    unpublishing: unpublish.busy,
  };
}
