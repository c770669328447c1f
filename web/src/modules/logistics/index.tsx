import type { ConsoleModule } from '../../shell/types';
import en from './i18n/en.json';
import zhCN from './i18n/zh-CN.json';
import { BatchPage, BookingsPage, DecisionPage, DecisionsPage, DisruptionPage, LanePage, LanesPage, QuotePage } from './pages';

/** Logistics: lane catalogue (providers edit theirs), quotes, routing decisions, batch runs, disruptions, bookings and documents. */
export const consoleModule: ConsoleModule = {
  name: 'logistics',
  nav: [{ path: '/logistics', label: { en: 'Logistics', 'zh-CN': '物流', ar: 'الخدمات اللوجستية' }, permission: 'logistics:read', order: 300 }],
  routes: [
    { path: '/logistics', element: <LanesPage /> },
    { path: '/logistics/lanes/:id', element: <LanePage /> },
    { path: '/logistics/quote', element: <QuotePage /> },
    { path: '/logistics/routing', element: <DecisionsPage /> },
    { path: '/logistics/routing/:id', element: <DecisionPage /> },
    { path: '/logistics/batches', element: <BatchPage /> },
    { path: '/logistics/disruptions', element: <DisruptionPage /> },
    { path: '/logistics/bookings', element: <BookingsPage /> },
  ],
  messages: { en, 'zh-CN': zhCN },
};
