import type { ConsoleModule } from '../../shell/types';
import en from './i18n/en.json';
import zhCN from './i18n/zh-CN.json';
import { InboundPage, InventoryPage, ReceiptsPage } from './Inventory';

/** One-pool inventory: SKU × warehouse grid with movements, inbound shipments (ASN), the warehouse's receipts. */
export const consoleModule: ConsoleModule = {
  name: 'inventory',
  nav: [
    { path: '/inventory', label: { en: 'Inventory', 'zh-CN': '库存', ar: 'المخزون' }, permission: 'inventory:read', kinds: ['seller', 'warehouse'], order: 110 },
    { path: '/inbound', label: { en: 'Inbound shipments', 'zh-CN': '入库预报', ar: 'الشحنات الواردة' }, permission: 'inventory:read', kinds: ['seller', 'warehouse'], order: 111 },
    { path: '/receipts', label: { en: 'Receipts', 'zh-CN': '收货记录', ar: 'الاستلامات' }, permission: 'inventory:read', kinds: ['warehouse', 'seller'], order: 112 },
  ],
  routes: [
    { path: '/inventory', element: <InventoryPage /> },
    { path: '/inbound', element: <InboundPage /> },
    { path: '/receipts', element: <ReceiptsPage /> },
  ],
  messages: { en, 'zh-CN': zhCN },
};
