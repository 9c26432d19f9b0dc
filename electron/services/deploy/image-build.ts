import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import type Docker from 'dockerode';
import { KilnError } from '../../../shared/contract/core';
import { dockerfile, staticDockerfile } from '../publish/export-files';
import { kilnScripts } from '../publish/image-scripts';

export interface ContextEntry {
  name: string;
  abs?: string;
  content?: string;
}

/**
 * The build context: the bundle's files (never the whole artifact folder) plus the Dockerfile
 * and Kiln's launcher scripts. A static report's files go under `site/`.
 */
export function contextEntries(fullstack: boolean, bundle: { name: string; abs: string }[]): ContextEntry[] {
  const files: ContextEntry[] = fullstack ? bundle.map((e) => ({ name: e.name, abs: e.abs })) : bundle.map((e) => ({ name: `site/${e.name}`, abs: e.abs }));
  return [...files, { name: 'Dockerfile', content: fullstack ? dockerfile() : staticDockerfile() }, ...kilnScripts()];
}

/** A tar stream of the context, written as Docker reads it (archiver is loaded on the first deploy). */
export async function tarContext(entries: ContextEntry[]): Promise<Readable> {
  const { TarArchive } = await import('archiver');
  const archive = new TarArchive();
  for (const e of entries) {
    const date = new Date('1980-01-01T00:00:00Z');
    if (e.content !== undefined) archive.append(e.content, { name: e.name, date, mode: 0o644 });
    else archive.append(createReadStream(e.abs!), { name: e.name, date, mode: 0o644 });
  }
  void archive.finalize();
  return archive;
}

interface BuildMessage {
  stream?: string;
  status?: string;
  progress?: string;
  error?: string;
  errorDetail?: { message?: string };
  aux?: { ID?: string };
}

/**
 * Builds `tag` from the context with BASE_IMAGE as the only build argument (secrets are never
 * build arguments). Each output line goes to `onLine` (the caller scrubs it). A failing step
 * becomes a KilnError naming the step, with the output tail in its details.
 */
export async function buildImage(
  docker: Docker,
  options: { context: Readable; tag: string; baseImage: string; labels: Record<string, string>; onLine(line: string): void; signal?: AbortSignal },
): Promise<void> {
  const stream = (await docker.buildImage(options.context as unknown as NodeJS.ReadableStream, {
    t: options.tag,
    buildargs: { BASE_IMAGE: options.baseImage },
    labels: options.labels,
    rm: true,
    forcerm: true,
    ...(options.signal ? { abortSignal: options.signal } : {}),
  })) as Readable;
  const output: string[] = [];
  let step = '';
  let failure: string | null = null;
  await new Promise<void>((resolve, reject) => {
    docker.modem.followProgress(
      stream,
      (err: Error | null) => (err ? reject(err) : resolve()),
      (msg: BuildMessage) => {
        const text = msg.error ?? msg.stream ?? (msg.status ? `${msg.status}${msg.progress ? ` ${msg.progress}` : ''}` : '');
        for (const line of text.split('\n')) {
          const trimmed = line.replace(/\s+$/, '');
          if (!trimmed) continue;
          if (/^Step \d+\/\d+ : /.test(trimmed)) step = trimmed;
          output.push(trimmed);
          if (output.length > 200) output.shift();
          options.onLine(trimmed);
        }
        if (msg.error) failure = msg.errorDetail?.message ?? msg.error;
      },
    );
  }).catch((error: unknown) => {
    failure ??= error instanceof Error ? error.message : String(error);
  });
  if (failure !== null) {
    const base = /pull access denied|manifest unknown|not found: manifest|failed to resolve|no such host|dial tcp/i.test(failure)
      ? ` The base image could not be fetched: check its name, or that the engine can reach its registry (or set a base image the engine already has in Settings → Deploy).`
      : '';
    throw new KilnError(
      'EXTERNAL',
      `The image build failed${step ? ` at ${step.replace(/^Step /, 'step ')}` : ''}: ${failure}.${base}`,
      output.slice(-40).join('\n'),
    );
  }
}
