import { z } from 'zod';
import { slugSchema } from '../artifacts/rules';
import { defineEndpoint, defineEvent } from './core';
import { preflightSchema } from './publish';

/**
 * Deploying an artifact to a Docker Engine the user runs (this machine, or a remote host over
 * TLS or SSH): targets, the review (the publish review's checks), deploy, the deployments'
 * lifecycle and live logs. Credentials cross once, into the keychain; they never come back.
 */

export const targetIdSchema = z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'A target id is lowercase letters, digits and dashes.');
export const deploymentIdSchema = z.string().regex(/^[A-Za-z0-9_.-]{1,200}$/);

export const restartPolicySchema = z.enum(['no', 'on-failure', 'unless-stopped', 'always']);
export type RestartPolicy = z.infer<typeof restartPolicySchema>;

export const deployTargetSchema = z.object({
  id: targetIdSchema,
  name: z.string(),
  /** `local`: this machine's engine (DOCKER_HOST when set, else the default socket). */
  kind: z.enum(['local', 'tcp', 'ssh']),
  /** tcp: `host:port` or `tcp://host:port`; ssh: `user@host[:port]`; local: empty. */
  address: z.string(),
  /** Base image for the build; empty means KILN_DEPLOY_BASE_IMAGE, then python:3.11-slim. */
  baseImage: z.string(),
  /** Address the app listens on, on the host (e.g. 127.0.0.1 to keep it private). */
  bindAddress: z.string(),
  /** Host name shown in the URL (empty: the address's host, or localhost for local targets). */
  publicHost: z.string(),
  /** Which credentials are in the keychain (never the values). */
  credentials: z.object({ tlsCa: z.boolean(), tlsCert: z.boolean(), tlsKey: z.boolean(), sshKey: z.boolean(), sshPassphrase: z.boolean() }),
  builtIn: z.boolean(),
});
export type DeployTarget = z.infer<typeof deployTargetSchema>;

const pem = z.string().max(64 * 1024);
export const deployTargetInputSchema = z.object({
  /** Absent: a new target. */
  id: targetIdSchema.optional(),
  name: z.string().trim().min(1).max(100),
  /** `local` edits the built-in target's options (name and address stay fixed). */
  kind: z.enum(['local', 'tcp', 'ssh']),
  address: z.string().trim().max(500).default(''),
  baseImage: z.string().trim().max(300).default(''),
  bindAddress: z.string().trim().max(100).default(''),
  publicHost: z.string().trim().max(300).default(''),
  /** Each one: absent keeps what is stored, '' removes it, a value replaces it. */
  tlsCa: pem.optional(),
  tlsCert: pem.optional(),
  tlsKey: pem.optional(),
  sshKey: pem.optional(),
  sshPassphrase: z.string().max(1024).optional(),
});
export type DeployTargetInput = z.input<typeof deployTargetInputSchema>;

export const deploymentStatusSchema = z.enum(['deploying', 'running', 'unhealthy', 'stopped', 'failed']);
export type DeploymentStatus = z.infer<typeof deploymentStatusSchema>;

export const deploymentSchema = z.object({
  id: deploymentIdSchema,
  artifactId: z.string(),
  slug: z.string(),
  name: z.string(),
  targetId: z.string(),
  targetName: z.string(),
  url: z.string().nullable(),
  hostPort: z.number().int().min(1).max(65535),
  restartPolicy: restartPolicySchema,
  /** The image serving now (`kiln/<slug>:<tag>`), and the ones before it, newest first. */
  image: z.string().nullable(),
  previousImages: z.array(z.string()),
  containerId: z.string().nullable(),
  status: deploymentStatusSchema,
  startedAt: z.string().nullable(),
  /** What went wrong last (scrubbed), e.g. a redeploy whose health check never passed. */
  message: z.string().nullable(),
  /** The failing container's last log lines (scrubbed), when a health check never passed. */
  logTail: z.string().nullable(),
});
export type Deployment = z.infer<typeof deploymentSchema>;

export const deployReviewSchema = z.object({
  /** The publish review (same checks: files, leak scan, datasources, undeclared DS_*). */
  review: preflightSchema,
  targets: z.array(deployTargetSchema),
  /** The base image each target would build on (after the setting / env / default rule). */
  baseImages: z.record(z.string(), z.string()),
  deployments: z.array(deploymentSchema),
  suggestedPort: z.number().int(),
});
export type DeployReview = z.infer<typeof deployReviewSchema>;

export const deployProgressSchema = z.object({
  deploymentId: deploymentIdSchema,
  slug: slugSchema,
  phase: z.enum(['connect', 'build', 'start', 'health', 'switch', 'done', 'failed']),
  /** One scrubbed line of build output or a step description. */
  line: z.string(),
});
export type DeployProgress = z.infer<typeof deployProgressSchema>;

const byId = z.object({ id: deploymentIdSchema });

export const deployEndpoints = {
  'deploy.targets': defineEndpoint('deploy.targets', { input: z.void(), output: z.array(deployTargetSchema) }),
  'deploy.saveTarget': defineEndpoint('deploy.saveTarget', { input: deployTargetInputSchema, output: deployTargetSchema }),
  'deploy.removeTarget': defineEndpoint('deploy.removeTarget', { input: z.object({ id: targetIdSchema }), output: z.void() }),
  /** Connects and asks the engine its version: the Settings "Test connection" button. */
  'deploy.testTarget': defineEndpoint('deploy.testTarget', { input: z.object({ id: targetIdSchema }), output: z.object({ version: z.string(), os: z.string() }) }),
  'deploy.review': defineEndpoint('deploy.review', { input: z.object({ slug: slugSchema }), output: deployReviewSchema }),
  'deploy.start': defineEndpoint('deploy.start', {
    input: z.object({ slug: slugSchema, targetId: targetIdSchema, hostPort: z.number().int().min(1).max(65535), restartPolicy: restartPolicySchema.default('unless-stopped') }),
    output: deploymentSchema,
  }),
  /** Lists deployments (of one artifact, or all), after reconciling with the engines. */
  'deploy.list': defineEndpoint('deploy.list', { input: z.object({ slug: slugSchema.optional() }), output: z.array(deploymentSchema) }),
  'deploy.redeploy': defineEndpoint('deploy.redeploy', { input: byId, output: deploymentSchema }),
  'deploy.rollback': defineEndpoint('deploy.rollback', { input: byId, output: deploymentSchema }),
  'deploy.stop': defineEndpoint('deploy.stop', { input: byId, output: deploymentSchema }),
  'deploy.remove': defineEndpoint('deploy.remove', { input: byId, output: z.void() }),
  /** The last lines of the container's log (scrubbed); `follow` then streams `deploy.log` events. */
  'deploy.logs': defineEndpoint('deploy.logs', { input: z.object({ id: deploymentIdSchema, follow: z.boolean().default(false) }), output: z.object({ text: z.string() }) }),
  'deploy.unfollowLogs': defineEndpoint('deploy.unfollowLogs', { input: byId, output: z.void() }),
};

export const deployEvents = {
  'deploy.progress': defineEvent('deploy.progress', deployProgressSchema),
  'deploy.changed': defineEvent('deploy.changed', z.object({ id: deploymentIdSchema, slug: z.string() })),
  'deploy.log': defineEvent('deploy.log', z.object({ id: deploymentIdSchema, text: z.string() })),
};
