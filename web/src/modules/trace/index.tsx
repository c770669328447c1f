import type { ConsoleModule } from '../../shell/types';
import { TracePage } from './Console';
import en from './i18n/en.json';
import zhCN from './i18n/zh-CN.json';
import { PassportPage } from './Passport';

/** Traceability: the verifiable log in the console, and the public digital product passport. */
export const consoleModule: ConsoleModule = {
  name: 'trace',
  nav: [{ path: '/trace', label: { en: 'Traceability', 'zh-CN': '溯源' }, permission: 'trace:read', order: 600 }],
  routes: [{ path: '/trace', element: <TracePage /> }],
  publicRoutes: [
    { path: '/passport/:id', element: <PassportPage /> },
    // GS1 Digital Link: /01/<GTIN>/10/<batch>?dpp=<passport id>
    { path: '/01/:gtin/10/:batch', element: <PassportPage /> },
  ],
  messages: { en, 'zh-CN': zhCN },
};
