// Every route's <title>, in the static HTML and after navigation ("History · Wattboard"):
// browser tabs, history and the installed app's task switcher read it. Without one, expo-router
// puts an empty <title data-rh> first and the page has no title.
import Head from 'expo-router/head';

export function pageTitle(screen: string): string {
  return `${screen} · Wattboard`;
}

export function PageTitle({ screen }: { screen: string }) {
  return (
    <Head>
      <title>{pageTitle(screen)}</title>
    </Head>
  );
}
