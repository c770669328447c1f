import type { ConsoleModule } from '../../shell/types';
import ar from './i18n/ar.json';
import en from './i18n/en.json';
import zhCN from './i18n/zh-CN.json';
import { BalancesPage, OrderMoneyPage, OrdersPage, ReconciliationPage, StatementsPage, TransfersPage } from './pages';

/** Money: balances, transfer explorer, order money timeline, settlement statements, reconciliation. */
export const consoleModule: ConsoleModule = {
  name: 'ledger',
  nav: [{ path: '/ledger', label: { en: 'Money', 'zh-CN': '资金', ar: 'الأموال' }, permission: 'ledger:read', order: 400 }],
  routes: [
    { path: '/ledger', element: <BalancesPage /> },
    { path: '/ledger/transfers', element: <TransfersPage /> },
    { path: '/ledger/orders', element: <OrdersPage /> },
    { path: '/ledger/orders/:orderId', element: <OrderMoneyPage /> },
    { path: '/ledger/statements', element: <StatementsPage /> },
    { path: '/ledger/reconciliation', element: <ReconciliationPage /> },
  ],
  messages: { en, 'zh-CN': zhCN, ar },
};
