// The root error boundary of every screen: a rendering fault never leaves a resident or an
// operator at a blank or broken screen — a plain sentence, then after 3 s the screen renders
// again (`onReset` first: the resident kiosk goes home with everything personal cleared; the
// alarm console keeps its live state, which lives outside the failed subtree).
import { Component, type ComponentChildren } from 'preact';

interface Props {
  message: string;
  onReset?(): void;
  children: ComponentChildren;
}

export class ErrorBoundary extends Component<Props, { failed: boolean }> {
  override state = { failed: false };
  private timer: ReturnType<typeof setTimeout> | undefined;

  override componentDidCatch(error: unknown): void {
    console.error('screen failed', error);
    this.setState({ failed: true });
    this.timer = setTimeout(() => {
      this.props.onReset?.();
      this.setState({ failed: false });
    }, 3000);
  }

  override componentWillUnmount(): void {
    if (this.timer) clearTimeout(this.timer);
  }

  override render() {
    if (this.state.failed)
      return (
        <main style={{ padding: '32px', fontSize: 'var(--font-title)' }}>
          <p role="alert">{this.props.message}</p>
        </main>
      );
    return this.props.children;
  }
}
