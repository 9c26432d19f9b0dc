import type { Services } from '../../core/services';
import type { HandlerMap } from '../router';

type ChatChannels = 'chat.list' | 'chat.get' | 'chat.create' | 'chat.send' | 'chat.retry' | 'chat.stop' | 'chat.rename' | 'chat.delete';

/** Thin: the contract validated the input; the agent's chat service does the work. */
export function chatHandlers(s: Services): Pick<HandlerMap, ChatChannels> {
  const chat = s.agent.chat;
  return {
    'chat.list': (input) => chat.list(input?.query),
    'chat.get': ({ conversationId, tailTurns }) => chat.get(conversationId, tailTurns),
    'chat.create': (input) => chat.create(input?.title),
    'chat.send': ({ conversationId, text }) => chat.send(conversationId, text),
    'chat.retry': ({ conversationId, text }) => chat.retry(conversationId, text),
    'chat.stop': async ({ conversationId }) => ({ stopped: await chat.stop(conversationId) }),
    'chat.rename': ({ conversationId, title }) => chat.rename(conversationId, title),
    'chat.delete': ({ conversationId }) => chat.delete(conversationId),
  };
}
