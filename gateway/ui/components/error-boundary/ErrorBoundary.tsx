// The root error boundary: a rendering fault never leaves the console blank — a plain sentence,
// then the console renders again (the live state is kept outside the failed subtree).
import { Component, type ComponentChildren } from 'preact';

interface Props {
  message: string;
  children: ComponentChildren;
}

export class ErrorBoundary extends Component<Props, { failed: boolean }> {
  override state = { failed: false };
  private timer: ReturnType<typeof setTimeout> | undefined;

  override componentDidCatch(error: unknown): void {
    console.error('console page failed', error);
    this.setState({ failed: true });
    this.timer = setTimeout(() => this.setState({ failed: false }), 3000);
  }

  override componentWillUnmount(): void {
    if (this.timer) clearTimeout(this.timer);
  }

  override render() {
    if (this.state.failed)
      return (
        <main style={{ padding: '32px' }}>
          <p role="alert">{this.props.message}</p>
        </main>
      );
    return this.props.children;
  }
}
