import type { ConsoleModule } from '../../shell/types';
import en from './i18n/en.json';
import zhCN from './i18n/zh-CN.json';
import { ExceptionPage, ExceptionsPage, PublicTrackingPage, ScorecardsPage, ShipmentPage, ShipmentsPage, SlaPage } from './pages';

/** Tracking: shipments and timelines, exception queue, SLA breaches and compensations, scorecards; public tracking page. */
export const consoleModule: ConsoleModule = {
  name: 'tracking',
  nav: [{ path: '/tracking', label: { en: 'Tracking', 'zh-CN': '物流跟踪', ar: 'التتبع' }, permission: 'tracking:read', order: 300 }],
  routes: [
    { path: '/tracking', element: <ShipmentsPage /> },
    { path: '/tracking/exceptions', element: <ExceptionsPage /> },
    { path: '/tracking/exceptions/:id', element: <ExceptionPage /> },
    { path: '/tracking/sla', element: <SlaPage /> },
    { path: '/tracking/scorecards', element: <ScorecardsPage /> },
    { path: '/tracking/:id', element: <ShipmentPage /> },
  ],
  publicRoutes: [
    { path: '/track', element: <PublicTrackingPage /> },
    { path: '/track/:number', element: <PublicTrackingPage /> },
  ],
  messages: { en, 'zh-CN': zhCN },
};
