import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render } from '@testing-library/svelte';
import { tick } from 'svelte';
import PracticePanel from './PracticePanel.svelte';

function memoryStore(init: Record<string, string> = {}) {
  const m = new Map(Object.entries(init));
  return { getItem: (k: string) => m.get(k) ?? null, setItem: (k: string, v: string) => void m.set(k, v) };
}

beforeEach(() => vi.useFakeTimers({ now: new Date('2026-01-01T10:00:00Z') }));
afterEach(() => {
  cleanup();
  vi.useRealTimers();
});

async function setLengths(getByTestId: (id: string) => HTMLElement, n: number, value: string) {
  for (let i = 0; i < n; i++) await fireEvent.input(getByTestId(`practice-length-${i}`), { target: { value } });
}

describe('PracticePanel', () => {
  it('runs from the keyboard, shows each stage, and logs start and end with the stages', async () => {
    const onLog = vi.fn();
    const onClose = vi.fn();
    const audio = vi.fn(() => null);
    const { getByTestId, queryByTestId } = render(PracticePanel, { onClose, onLog, store: memoryStore(), audio });
    const panel = getByTestId('practice-panel');
    await setLengths(getByTestId, 4, '0:02');
    await fireEvent.keyDown(panel, { key: 'Enter' });
    expect(getByTestId('practice-stage').dataset.index).toBe('0');
    expect(getByTestId('practice-cue').textContent).toMatch(/breath/i);
    expect(onLog).toHaveBeenCalledWith('Three-Sense Immersion', 'started', expect.stringContaining('Breath and body 0:02'));
    vi.advanceTimersByTime(2_000);
    await tick();
    expect(getByTestId('practice-stage').dataset.index).toBe('1');
    expect(getByTestId('practice-cue').textContent).toMatch(/visual field/i);
    // Chime is off by default: no audio context is made.
    expect(audio).not.toHaveBeenCalled();
    // Space pauses.
    await fireEvent.keyDown(panel, { key: ' ' });
    expect(getByTestId('practice-paused')).toBeTruthy();
    vi.advanceTimersByTime(10_000);
    await tick();
    expect(getByTestId('practice-stage').dataset.index).toBe('1');
    await fireEvent.keyDown(panel, { key: ' ' });
    expect(queryByTestId('practice-paused')).toBeNull();
    vi.advanceTimersByTime(2_000);
    await tick();
    expect(getByTestId('practice-stage').dataset.index).toBe('2');
    await fireEvent.click(getByTestId('practice-stop'));
    expect(onLog).toHaveBeenLastCalledWith(
      'Three-Sense Immersion',
      'ended',
      'stopped early · Breath and body 0:02 → Soft, wide gaze 0:02 → Listening 0:00',
    );
    expect(getByTestId('practice-ended').textContent).toContain('stopped');
    await fireEvent.keyDown(panel, { key: 'Escape' });
    expect(onClose).toHaveBeenCalled();
  });

  it('chimes at a stage change only when turned on, and remembers the choice', async () => {
    const store = memoryStore();
    const audio = vi.fn(() => null);
    const { getByTestId } = render(PracticePanel, { onClose: () => {}, store, audio });
    const box = getByTestId('practice-chime') as HTMLInputElement;
    expect(box.checked).toBe(false);
    await fireEvent.click(box);
    expect(store.getItem('holdspace.practice.chime')).toBe('on');
    await setLengths(getByTestId, 4, '0:01');
    await fireEvent.click(getByTestId('practice-start'));
    vi.advanceTimersByTime(1_000);
    expect(audio).toHaveBeenCalledTimes(1);
  });

  it('runs Choiceless Awareness with remembered lengths, and says it is not recorded without a session', async () => {
    const store = memoryStore({ 'holdspace.practice.choiceless.seconds': '[1,1,1]' });
    const { getByTestId, getByText } = render(PracticePanel, { onClose: () => {}, store });
    expect(getByText(/not recorded/)).toBeTruthy();
    await fireEvent.click(getByTestId('practice-choose-choiceless'));
    expect((getByTestId('practice-length-0') as HTMLInputElement).value).toBe('0:01');
    await fireEvent.click(getByTestId('practice-start'));
    expect(getByTestId('practice-cue').textContent).toMatch(/open awareness/i);
    vi.advanceTimersByTime(3_000);
    await tick();
    expect(getByTestId('practice-ended').textContent).toContain('Choiceless Awareness completed');
  });

  it('refuses an unusable length and says why', async () => {
    const { getByTestId } = render(PracticePanel, { onClose: () => {}, store: memoryStore() });
    await fireEvent.input(getByTestId('practice-length-2'), { target: { value: 'soon' } });
    await fireEvent.click(getByTestId('practice-start'));
    expect(getByTestId('practice-error').textContent).toContain('Listening');
  });

  it('logs the end when closed while running', async () => {
    const onLog = vi.fn();
    const { getByTestId, unmount } = render(PracticePanel, { onClose: () => {}, onLog, store: memoryStore() });
    await fireEvent.click(getByTestId('practice-start'));
    vi.advanceTimersByTime(5_000);
    unmount();
    expect(onLog).toHaveBeenLastCalledWith('Three-Sense Immersion', 'ended', 'stopped early · Breath and body 0:05');
  });
});
