import { BrowserRouter, Route, Routes } from 'react-router-dom';
import { Dashboard } from './Dashboard';
import { I18nProvider } from './i18n';
import { ConsoleLayout, NotFound, RouteGuard } from './Layout';
import { CreateOrganisationPage } from './Organisations';
import { consoleModules, navItemFor, publicRoutes, signedInRoutes } from './registry';
import { SessionProvider } from './session';

/**
 * The console: public pages (sign in, tracking, storefront …) outside the signed-in layout,
 * every module's routes inside it. Modules come from registry.ts (import.meta.glob).
 */
export function App() {
  return (
    <I18nProvider modules={consoleModules}>
      <SessionProvider>
        <BrowserRouter>
          <Routes>
            {publicRoutes.map((r) => (
              <Route key={`public:${r.path}`} path={r.path} element={r.element} />
            ))}
            <Route element={<ConsoleLayout />}>
              <Route index element={<Dashboard />} />
              <Route path="/organisations/new" element={<CreateOrganisationPage />} />
              {signedInRoutes.map((r) => (
                <Route key={r.path} path={r.path} element={<RouteGuard item={navItemFor(r.path)}>{r.element}</RouteGuard>} />
              ))}
              <Route path="*" element={<NotFound />} />
            </Route>
          </Routes>
        </BrowserRouter>
      </SessionProvider>
    </I18nProvider>
  );
}
