import type { ConsoleModule } from '../../shell/types';
import en from './i18n/en.json';
import zhCN from './i18n/zh-CN.json';
import { OrderDetailPage, OrdersPage } from './Orders';

/** Order hub: every channel's orders, filters and saved views, detail with timeline, hold/release, split/merge. */
export const consoleModule: ConsoleModule = {
  name: 'orders',
  nav: [{ path: '/orders', label: { en: 'Orders', 'zh-CN': '订单', ar: 'الطلبات' }, permission: 'orders:read', kinds: ['seller', 'warehouse', 'operator'], order: 100 }],
  routes: [
    { path: '/orders', element: <OrdersPage /> },
    { path: '/orders/:id', element: <OrderDetailPage /> },
  ],
  messages: { en, 'zh-CN': zhCN },
};
