// The HTML shell of the static web export: language, viewport, colours before the app loads.
import { ScrollViewStyleReset } from 'expo-router/html';
import type { PropsWithChildren } from 'react';

const css = `
html, body { background: #f4f6f8; }
@media (prefers-color-scheme: dark) { html, body { background: #0b0f14; } }
`;

export default function Html({ children }: PropsWithChildren) {
  return (
    <html lang="en">
      <head>
        <meta charSet="utf-8" />
        <meta httpEquiv="X-UA-Compatible" content="IE=edge" />
        <meta name="viewport" content="width=device-width, initial-scale=1, shrink-to-fit=no" />
        <meta name="description" content="Wattboard: live power and energy of a solar home" />
        <meta name="theme-color" content="#0b0f14" media="(prefers-color-scheme: dark)" />
        <meta name="theme-color" content="#f4f6f8" media="(prefers-color-scheme: light)" />
        <title>Wattboard</title>
        <ScrollViewStyleReset />
        <style dangerouslySetInnerHTML={{ __html: css }} />
      </head>
      <body>{children}</body>
    </html>
  );
}
