// The one button of every resident screen: ≥ 64 × 64 CSS px, text ≥ 40 px for main actions,
// an optional icon beside the words (never an icon alone), one tap, no gestures.
import type { ComponentChildren } from 'preact';
import styles from './big-button.module.css';

export interface BigButtonProps {
  onClick(): void;
  children: ComponentChildren;
  icon?: ComponentChildren;
  kind?: 'primary' | 'secondary' | 'quiet';
  size?: 'main' | 'normal';
  disabled?: boolean;
  pressed?: boolean;
  label?: string;
  testId?: string;
}

export function BigButton(p: BigButtonProps) {
  const cls = [styles.button, styles[p.kind ?? 'primary'], styles[p.size ?? 'main']].join(' ');
  return (
    <button
      type="button"
      class={cls}
      onClick={p.onClick}
      disabled={p.disabled}
      aria-pressed={p.pressed}
      aria-label={p.label}
      data-testid={p.testId}
      data-size={p.size ?? 'main'}
    >
      {p.icon && (
        <span class={styles.icon} aria-hidden="true">
          {p.icon}
        </span>
      )}
      <span class={styles.text}>{p.children}</span>
    </button>
  );
}
