import { z } from 'zod';
import { defineEndpoint, defineEvent } from './core';

/**
 * The chat domain. A conversation is an append-only log of `ChatEvent`s; the live stream
 * (`chat.event`) and a replayed log carry the same events, so one pure reducer
 * (`shared/chat/reducer.ts`) builds the view in both cases.
 */
export const turnStatuses = ['done', 'stopped', 'error', 'interrupted'] as const;
export type TurnStatus = (typeof turnStatuses)[number];

const id = z.string().min(1).max(128);

export const chatEventSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('conversation_created'), title: z.string().max(200) }),
  z.object({ type: z.literal('conversation_renamed'), title: z.string().max(200) }),
  /** A user's message starts a turn; `replaces` drops an earlier turn (retry, edit-and-resend). */
  z.object({
    type: z.literal('turn_started'),
    turnId: id,
    prompt: z.string(),
    replaces: id.optional(),
  }),
  /** One model request inside a turn (a turn has several when tools run). */
  z.object({ type: z.literal('round_started'), turnId: id, round: z.number().int().min(0) }),
  z.object({ type: z.literal('text_delta'), turnId: id, text: z.string() }),
  z.object({
    type: z.literal('tool_call_started'),
    turnId: id,
    callId: id,
    name: z.string().max(200),
    /** The raw (scrubbed) JSON arguments the model sent. */
    args: z.string(),
  }),
  z.object({
    type: z.literal('tool_call_finished'),
    turnId: id,
    callId: id,
    ok: z.boolean(),
    /** What the model saw: scrubbed, truncated with a note. */
    result: z.string(),
    durationMs: z.number().min(0),
  }),
  /** An artifact this turn created or changed; the UI shows a card that opens it. */
  z.object({ type: z.literal('artifact'), turnId: id, slug: z.string(), name: z.string(), kind: z.string() }),
  z.object({ type: z.literal('publish_proposed'), turnId: id, slug: z.string(), note: z.string().optional() }),
  z.object({
    type: z.literal('usage'),
    turnId: id,
    promptTokens: z.number().int().min(0),
    completionTokens: z.number().int().min(0),
    totalTokens: z.number().int().min(0),
  }),
  z.object({
    type: z.literal('error'),
    turnId: id,
    code: z.string(),
    message: z.string(),
    details: z.string().optional(),
  }),
  /** The provider failed in a way worth retrying (429, 5xx, network); the next try is in delayMs. */
  z.object({ type: z.literal('retrying'), turnId: id, attempt: z.number().int().min(1), delayMs: z.number().min(0), reason: z.string() }),
  z.object({ type: z.literal('turn_finished'), turnId: id, status: z.enum(turnStatuses) }),
]);
export type ChatEvent = z.infer<typeof chatEventSchema>;

/** One line of a conversation log, and the payload of one live event. */
export const chatLogEntrySchema = z.object({
  seq: z.number().int().min(0),
  at: z.string(),
  event: chatEventSchema,
});
export type ChatLogEntry = z.infer<typeof chatLogEntrySchema>;

export const chatStreamEventSchema = chatLogEntrySchema.extend({ conversationId: id });
export type ChatStreamEvent = z.infer<typeof chatStreamEventSchema>;

export const conversationSummarySchema = z.object({
  id,
  title: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  turns: z.number().int().min(0),
  running: z.boolean(),
});
export type ConversationSummary = z.infer<typeof conversationSummarySchema>;

const conversationRef = z.object({ conversationId: id });
/** The longest message the composer sends (the composer says so before sending). */
export const MAX_PROMPT_CHARS = 100_000;
const prompt = z.string().trim().min(1, 'Type a message first.').max(MAX_PROMPT_CHARS);

export const chatEndpoints = {
  'chat.list': defineEndpoint('chat.list', {
    input: z.object({ query: z.string().max(200).optional() }).optional(),
    output: z.array(conversationSummarySchema),
  }),
  /**
   * The log to replay through the reducer; `running` tells if a turn is live. With
   * `tailTurns`, only the last turns (a long conversation opens on its tail first), and
   * `earlier` says how many turns were left out.
   */
  'chat.get': defineEndpoint('chat.get', {
    input: conversationRef.extend({ tailTurns: z.number().int().min(1).max(1_000_000).optional() }),
    output: z.object({ summary: conversationSummarySchema, entries: z.array(chatLogEntrySchema), earlier: z.number().int().min(0) }),
  }),
  'chat.create': defineEndpoint('chat.create', {
    input: z.object({ title: z.string().trim().max(200).optional() }).optional(),
    output: conversationSummarySchema,
  }),
  /** Starts a turn; events follow on `chat.event`. Without an id a new conversation is made. */
  'chat.send': defineEndpoint('chat.send', {
    input: z.object({ conversationId: id.optional(), text: prompt }),
    output: z.object({ conversationId: id, turnId: id }),
  }),
  /** Runs the last turn again (same prompt), or with `text` (edit-and-resend). */
  'chat.retry': defineEndpoint('chat.retry', {
    input: conversationRef.extend({ text: prompt.optional() }),
    output: z.object({ conversationId: id, turnId: id }),
  }),
  'chat.stop': defineEndpoint('chat.stop', { input: conversationRef, output: z.object({ stopped: z.boolean() }) }),
  'chat.rename': defineEndpoint('chat.rename', {
    input: conversationRef.extend({ title: z.string().trim().min(1).max(200) }),
    output: conversationSummarySchema,
  }),
  'chat.delete': defineEndpoint('chat.delete', { input: conversationRef, output: z.void() }),
};

export const chatEvents = {
  'chat.event': defineEvent('chat.event', chatStreamEventSchema),
};
