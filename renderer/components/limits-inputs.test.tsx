// @vitest-environment jsdom
/**
 * Free-text inputs refuse text over the contract's limit with a sentence before anything is
 * sent: a paste of a long value shows what is wrong and the call never leaves the page; at the
 * limit it goes through. The numbers come from the contract schemas, not from these tests.
 */
import { cleanup, fireEvent, render, waitFor } from '@testing-library/react';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { artifactsEndpoints, type ArtifactListItem } from '../../shared/contract/artifacts';
import { deployTargetInputSchema } from '../../shared/contract/deploy';
import { mcpServerInputSchema } from '../../shared/contract/mcp';
import { setTransport } from '../api/client';
import { TargetForm } from '../features/deploy/TargetForm';
import { RenameDialog } from '../features/gallery/RenameDialog';
import { ServerForm } from '../features/mcp/ServerForm';
import { WorkspaceSection } from '../features/settings/sections/WorkspaceSection';
import { FakeTransport } from '../testing/fake-transport';
import { maxLengthOf } from './limits';

beforeAll(() => {
  HTMLDialogElement.prototype.showModal ??= function (this: HTMLDialogElement) {
    this.open = true;
  };
  HTMLDialogElement.prototype.close ??= function (this: HTMLDialogElement) {
    this.open = false;
  };
});

let t: FakeTransport;
beforeEach(() => {
  t = new FakeTransport();
  setTransport(t);
});
afterEach(cleanup);

const sent = (channel: string): unknown[] => t.calls.filter((c) => c.channel === channel).map((c) => c.input);

describe('Rename artifact', () => {
  const item = { slug: 'sales', name: 'Sales' } as ArtifactListItem;
  const max = maxLengthOf(artifactsEndpoints['artifacts.rename'].input.shape.name);

  it('a pasted name over the limit shows the sentence, disables Rename and sends nothing; at the limit it is sent', async () => {
    t.handle('artifacts.rename', ({ name }) => ({ slug: 'sales', name }) as never);
    const view = render(<RenameDialog item={item} onClose={() => undefined} onDone={() => undefined} />);
    const input = view.getByLabelText('Name');
    fireEvent.change(input, { target: { value: 'x'.repeat(max + 1) } });
    expect(view.getByRole('alert').textContent).toBe(`The name is ${(max + 1).toLocaleString('en-US')} characters; the limit is ${max.toLocaleString('en-US')}. Shorten it.`);
    expect(input.getAttribute('aria-invalid')).toBe('true');
    const rename = view.getByRole('button', { name: 'Rename' }) as HTMLButtonElement;
    fireEvent.submit(view.container.ownerDocument.getElementById('rename-artifact-form')!);
    expect(sent('artifacts.rename')).toEqual([]);
    // Nothing was cut: the whole text is still there to shorten.
    expect((input as HTMLInputElement).value).toHaveLength(max + 1);
    fireEvent.change(input, { target: { value: 'x'.repeat(max) } });
    expect(view.queryByRole('alert')).toBeNull();
    expect(rename.disabled).toBe(false);
    fireEvent.submit(view.container.ownerDocument.getElementById('rename-artifact-form')!);
    await waitFor(() => expect(sent('artifacts.rename')).toHaveLength(1));
  });
});

describe('Settings → Workspace folder', () => {
  it('refuses a path over the contract limit before Apply can send it', async () => {
    t.handle('artifacts.workspace', () => ({ path: '/home/a/Kiln', artifactsRoot: '/home/a/Kiln/.anton/artifacts', overridden: false }) as never);
    const view = render(<WorkspaceSection />);
    const input = await view.findByLabelText('Workspace folder');
    await waitFor(() => expect((input as HTMLInputElement).value).toBe('/home/a/Kiln'));
    const max = maxLengthOf(artifactsEndpoints['artifacts.setWorkspace'].input.shape.path);
    fireEvent.change(input, { target: { value: `/${'a'.repeat(max)}` } });
    expect(view.getByRole('alert').textContent).toMatch(/^The folder path is [\d,]+ characters; the limit is [\d,]+\. Shorten it\.$/);
    expect((view.getByRole('button', { name: 'Apply' }) as HTMLButtonElement).disabled).toBe(true);
    fireEvent.submit(input.closest('form')!);
    expect(sent('artifacts.setWorkspace')).toEqual([]);
  });
});

describe('Settings → Deploy: a Docker host', () => {
  it('names the field that is too long (the address) and does not save', () => {
    const view = render(<TargetForm target={null} onSaved={() => undefined} onCancel={() => undefined} />);
    fireEvent.change(view.getByLabelText('Name'), { target: { value: 'box' } });
    fireEvent.change(view.getByLabelText('Address'), { target: { value: `me@${'h'.repeat(maxLengthOf(deployTargetInputSchema.shape.address))}` } });
    expect(view.getByRole('alert').textContent).toMatch(/^The address is [\d,]+ characters; the limit is 500\. Shorten it\.$/);
    expect((view.getByRole('button', { name: 'Save' }) as HTMLButtonElement).disabled).toBe(true);
    fireEvent.submit(view.getByRole('form'));
    expect(sent('deploy.saveTarget')).toEqual([]);
  });
});

describe('Settings → MCP: a server', () => {
  it('refuses an argument line over the limit, names it, and keeps Add disabled', () => {
    const view = render(<ServerForm onClose={() => undefined} onSaved={() => undefined} />);
    fireEvent.change(view.getByLabelText('Name *'), { target: { value: 'files' } });
    fireEvent.change(view.getByLabelText('Command *'), { target: { value: 'npx' } });
    const max = maxLengthOf(mcpServerInputSchema.shape.args.element);
    fireEvent.change(view.getByLabelText('Arguments'), { target: { value: `-y\n--data=${'d'.repeat(max)}` } });
    expect(view.getByRole('alert').textContent).toMatch(/^One argument line is [\d,]+ characters; the limit is 4,096\. Shorten it\.$/);
    expect((view.getByRole('button', { name: 'Add server' }) as HTMLButtonElement).disabled).toBe(true);
    expect(sent('mcp.save')).toEqual([]);
  });
});
