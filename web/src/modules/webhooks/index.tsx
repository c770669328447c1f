import type { ConsoleModule } from '../../shell/types';
import { EndpointDetailPage } from './EndpointDetail';
import { EndpointsPage } from './Endpoints';
import ar from './i18n/ar.json';
import en from './i18n/en.json';
import zhCN from './i18n/zh-CN.json';

/** Webhook endpoints, their signing secrets and the delivery log. */
export const consoleModule: ConsoleModule = {
  name: 'webhooks',
  nav: [{ path: '/webhooks', label: { en: 'Webhooks', 'zh-CN': 'Webhook', ar: 'خطافات الويب' }, permission: 'webhooks:read', order: 930 }],
  routes: [
    { path: '/webhooks', element: <EndpointsPage /> },
    { path: '/webhooks/:id', element: <EndpointDetailPage /> },
  ],
  messages: { en, 'zh-CN': zhCN, ar },
};
