import type { ConsoleModule } from '../../shell/types';
import { CalculatorPage } from './Calculator';
import en from './i18n/en.json';
import zhCN from './i18n/zh-CN.json';
import { MarginsPage, MarketDataPage, QuotesPage } from './Pages';
import { QuoteDetailPage } from './QuoteView';

/** Landed cost: calculator with explained breakdowns, stored quotes, margins per SKU × market, market data and FX dates. */
export const consoleModule: ConsoleModule = {
  name: 'landed-cost',
  nav: [
    { path: '/landed-cost', label: { en: 'Landed cost', 'zh-CN': '到岸成本', ar: 'التكلفة الواصلة' }, permission: 'landed_cost:read', kinds: ['seller', 'broker', 'operator'], order: 300 },
    { path: '/landed-cost/margins', label: { en: 'Margins by market', 'zh-CN': '各市场利润', ar: 'الهوامش حسب السوق' }, permission: 'landed_cost:read', kinds: ['seller', 'operator'], order: 301 },
    { path: '/landed-cost/data', label: { en: 'Duty & FX data', 'zh-CN': '关税与汇率数据', ar: 'بيانات الرسوم والصرف' }, permission: 'landed_cost:read', kinds: ['seller', 'broker', 'operator'], order: 302 },
  ],
  routes: [
    { path: '/landed-cost', element: <CalculatorPage /> },
    { path: '/landed-cost/quotes', element: <QuotesPage /> },
    { path: '/landed-cost/quotes/:id', element: <QuoteDetailPage /> },
    { path: '/landed-cost/margins', element: <MarginsPage /> },
    { path: '/landed-cost/data', element: <MarketDataPage /> },
  ],
  messages: { en, 'zh-CN': zhCN },
};
