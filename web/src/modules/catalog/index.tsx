import type { ConsoleModule } from '../../shell/types';
import en from './i18n/en.json';
import zhCN from './i18n/zh-CN.json';
import { ImportPage } from './Import';
import { MatrixPage } from './Matrix';
import { ProductEditorPage } from './ProductEditor';
import { ProductsPage } from './Products';

/** Catalogue: products and SKUs, HS classification, market-access matrix, CSV import. */
export const consoleModule: ConsoleModule = {
  name: 'catalog',
  nav: [
    { path: '/catalog', label: { en: 'Catalogue', 'zh-CN': '商品目录', ar: 'الكتالوج' }, permission: 'catalog:read', kinds: ['seller', 'supplier', 'operator'], order: 100 },
    { path: '/catalog-compliance', label: { en: 'Market access', 'zh-CN': '市场准入', ar: 'الوصول إلى الأسواق' }, permission: 'catalog:read', kinds: ['seller', 'supplier', 'operator'], order: 101 },
    { path: '/catalog-import', label: { en: 'Import products', 'zh-CN': '导入商品', ar: 'استيراد المنتجات' }, permission: 'catalog:write', kinds: ['seller', 'supplier', 'operator'], order: 102 },
  ],
  routes: [
    { path: '/catalog', element: <ProductsPage /> },
    { path: '/catalog/new', element: <ProductEditorPage /> },
    { path: '/catalog/:id', element: <ProductEditorPage /> },
    { path: '/catalog-compliance', element: <MatrixPage /> },
    { path: '/catalog-import', element: <ImportPage /> },
  ],
  messages: { en, 'zh-CN': zhCN },
};
