import type { Services } from '../../http/services.ts';
import { systemContext } from '../../kernel/context.ts';
import type { DemoOrgs } from '../module.ts';
import { addCertificate, listProduct } from './compliance.ts';
import type { ProductInput } from './model.ts';
import { documentStore } from './routes.ts';
import { createProduct } from './service.ts';

const day = 86_400_000;
const isoDay = (offsetDays: number) => new Date(Date.now() + offsetDays * day).toISOString().slice(0, 10);

interface DemoProduct {
  input: ProductInput;
  certificates?: { type: string; issuer: string; number: string; markets?: string[]; scope?: string; issued_at?: string; expiry?: string | null }[];
  markets: string[];
}

const dims = (l: number, w: number, h: number, unit = 'mm') => ({ length: l, width: w, height: h, unit });

/**
 * The demo seller (Shenzhen Lumen Electronics) and its catalogue: phone cases, power banks with
 * lithium-ion batteries (UN3480 loose, UN3481 in equipment), Bluetooth earbuds (radio equipment),
 * LED desk lamps, silicone kitchenware (food contact), a kids' toy, cosmetics (lip gloss and a
 * brush set), a magnetic car mount and a USB-C cable — with certificates (the earbuds' EU DoC
 * expires within 30 days) and listings that show each status: allowed, with conditions, blocked
 * (lip gloss in Japan needs a cosmetics marketing licence).
 */
export const DEMO_PRODUCTS: DemoProduct[] = [
  {
    input: {
      handle: 'LM-CASE-IP15', brand: 'Lumen', origin_country: 'CN',
      content: {
        en: { title: 'Shockproof TPU phone case for iPhone 15', description: 'Slim transparent case with raised edges and anti-yellowing coating.', bullets: ['Drop-tested from 1.5 m', 'Wireless charging compatible'] },
        'zh-CN': { title: 'iPhone 15 防摔 TPU 手机壳', description: '轻薄透明手机壳，凸边保护，抗黄变涂层。', bullets: ['1.5 米跌落测试', '支持无线充电'] },
        de: { title: 'Stoßfeste TPU-Handyhülle für iPhone 15' },
      },
      attributes: { material: 'TPU' },
      skus: [
        { code: 'LM-CASE-IP15-CLR', options: { colour: 'clear' }, hs_code: '392690', national_codes: { US: '3926909990', EU: '39269097' }, weight: { value: 32, unit: 'g' }, dimensions: dims(16, 8.2, 1.2, 'cm'), prices: { USD: 1299, EUR: 1199, GBP: 999 } },
        { code: 'LM-CASE-IP15-BLK', options: { colour: 'black' }, hs_code: '392690', weight: { value: 32, unit: 'g' }, dimensions: dims(16, 8.2, 1.2, 'cm'), prices: { USD: 1299, EUR: 1199, GBP: 999 } },
      ],
    },
    markets: ['US', 'EU', 'GB'],
  },
  {
    input: {
      handle: 'LM-PB-10K', brand: 'Lumen', origin_country: 'CN',
      content: {
        en: { title: '10000 mAh USB-C power bank, 20 W fast charge', description: 'Lithium-ion power bank, 37 Wh.', bullets: ['PD 20 W', '37 Wh — allowed in cabin baggage'] },
        'zh-CN': { title: '10000毫安 USB-C 移动电源 20W 快充', description: '锂离子移动电源，37 Wh。', bullets: ['PD 20W', '37Wh，可随身携带登机'] },
      },
      compliance: { lithium_battery: 'UN3480', electrical: true },
      skus: [{ code: 'LM-PB-10K-WHT', options: { colour: 'white' }, hs_code: '850760', weight: { value: 0.21, unit: 'kg' }, dimensions: dims(10.5, 6.5, 2.3, 'cm'), prices: { USD: 2599, EUR: 2399 } }],
    },
    certificates: [
      { type: 'UN38_3_TEST_SUMMARY', issuer: 'Shenzhen Battery Test Lab', number: 'UN38.3-2026-0413', issued_at: isoDay(-200), expiry: null },
      { type: 'EU_DECLARATION_OF_CONFORMITY', issuer: 'Shenzhen Lumen Electronics', number: 'DoC-PB10K-2026', markets: ['EU'], issued_at: isoDay(-200), expiry: isoDay(900) },
    ],
    markets: ['EU', 'JP', 'US'],
  },
  {
    input: {
      handle: 'LM-PB-20K', brand: 'Lumen', origin_country: 'CN',
      content: {
        en: { title: '20000 mAh power bank with built-in cables', description: 'Lithium-ion power bank, 74 Wh.' },
        'zh-CN': { title: '20000毫安 自带线移动电源', description: '锂离子移动电源，74 Wh。' },
      },
      compliance: { lithium_battery: 'UN3480', electrical: true },
      skus: [{ code: 'LM-PB-20K-BLK', hs_code: '850760', weight: { value: 14.1, unit: 'oz' }, dimensions: dims(5.9, 2.8, 1.1, 'in'), prices: { USD: 3999 } }],
    },
    markets: ['US'],
  },
  {
    input: {
      handle: 'LM-EARBUDS-P2', brand: 'Lumen', origin_country: 'CN',
      content: {
        en: { title: 'Bluetooth 5.3 wireless earbuds with charging case', description: 'True wireless earbuds, ENC microphones, 30 h battery life with case.', bullets: ['Bluetooth 5.3', 'IPX5'] },
        'zh-CN': { title: '蓝牙5.3 无线耳机 带充电仓', description: '真无线耳机，ENC 降噪麦克风，含充电仓续航 30 小时。', bullets: ['蓝牙 5.3', 'IPX5 防水'] },
      },
      compliance: { lithium_battery: 'UN3481', radio_equipment: true, electrical: true },
      skus: [
        { code: 'LM-EB-P2-WHT', options: { colour: 'white' }, hs_code: '851830', weight: { value: 48, unit: 'g' }, dimensions: dims(62, 48, 28), prices: { USD: 3499, EUR: 3299, GBP: 2899 } },
        { code: 'LM-EB-P2-BLK', options: { colour: 'black' }, hs_code: '851830', weight: { value: 48, unit: 'g' }, dimensions: dims(62, 48, 28), prices: { USD: 3499, EUR: 3299, GBP: 2899 } },
      ],
    },
    certificates: [
      { type: 'EU_DECLARATION_OF_CONFORMITY', issuer: 'Shenzhen Lumen Electronics (RED 2014/53/EU, notified body 0700)', number: 'DoC-EB-P2-2025', markets: ['EU', 'GB'], issued_at: isoDay(-700), expiry: isoDay(21) },
      { type: 'FCC_CERTIFICATION', issuer: 'FCC TCB (Bay Area Compliance Labs)', number: 'FCC ID 2A4LM-EBP2', markets: ['US'], issued_at: isoDay(-400), expiry: null },
      { type: 'UN38_3_TEST_SUMMARY', issuer: 'Shenzhen Battery Test Lab', number: 'UN38.3-2025-1187', issued_at: isoDay(-400), expiry: null },
    ],
    markets: ['EU', 'US', 'GB'],
  },
  {
    input: {
      handle: 'LM-LAMP-D1', brand: 'Lumen', origin_country: 'CN',
      content: {
        en: { title: 'Dimmable LED desk lamp with USB charging port', description: 'Five colour temperatures, touch control, 10 W.' },
        'zh-CN': { title: '可调光 LED 台灯 带 USB 充电口', description: '五档色温，触控，10 W。' },
      },
      compliance: { electrical: true },
      skus: [{ code: 'LM-LAMP-D1', hs_code: '940521', weight: { value: 1.1, unit: 'kg' }, dimensions: dims(40, 18, 8, 'cm'), prices: { USD: 4599, EUR: 4299, AUD: 6999 } }],
    },
    markets: ['EU', 'AU'],
  },
  {
    input: {
      handle: 'LM-KITCHEN-SPAT5', brand: 'Lumen Home', origin_country: 'CN',
      content: {
        en: { title: 'Silicone spatula set, 5 pieces, heat resistant', description: 'Food-grade silicone, heat resistant to 230 °C.' },
        'zh-CN': { title: '硅胶锅铲套装 5 件 耐高温', description: '食品级硅胶，耐温 230 °C。' },
      },
      compliance: { food_contact: true },
      skus: [{ code: 'LM-SPAT5-GRY', options: { colour: 'grey' }, hs_code: '392410', weight: { value: 350, unit: 'g' }, dimensions: dims(32, 12, 5, 'cm'), prices: { USD: 1899, EUR: 1699, GBP: 1499 } }],
    },
    certificates: [
      { type: 'FOOD_CONTACT_DOC', issuer: 'SGS Guangzhou (EU 10/2011, FDA 21 CFR 177.2600)', number: 'SGS-FC-2026-5512', markets: ['EU', 'US', 'GB'], issued_at: isoDay(-90), expiry: isoDay(640) },
    ],
    markets: ['EU', 'US', 'GB'],
  },
  {
    input: {
      handle: 'LM-TOY-BLOCKS', brand: 'Lumen Kids', origin_country: 'CN',
      content: {
        en: { title: 'Magnetic building blocks for kids, 64 pieces', description: 'Magnetic tiles for ages 3+.' },
        'zh-CN': { title: '儿童磁力积木 64 件', description: '磁力片，适合 3 岁以上。' },
      },
      compliance: { childrens: true, magnet: true },
      skus: [{ code: 'LM-TOY-MAG64', hs_code: '950300', weight: { value: 1.6, unit: 'kg' }, dimensions: dims(30, 25, 12, 'cm'), prices: { USD: 3999, EUR: 3699 } }],
    },
    markets: ['US', 'EU'],
  },
  {
    input: {
      handle: 'LM-BEAUTY-LIP6', brand: 'Lumen Beauty', origin_country: 'CN',
      content: {
        en: { title: 'Moisturising lip gloss set, 6 shades', description: 'Liquid lip gloss, 6 × 3.5 ml.' },
        'zh-CN': { title: '保湿唇彩套装 6 色', description: '液体唇彩，6 × 3.5 毫升。' },
      },
      compliance: { cosmetic: true, liquid: true },
      skus: [{ code: 'LM-LIP6', hs_code: '330410', weight: { value: 120, unit: 'g' }, dimensions: dims(15, 10, 3, 'cm'), prices: { USD: 1599, JPY: 2200 } }],
    },
    markets: ['JP', 'US'],
  },
  {
    input: {
      handle: 'LM-BEAUTY-BRUSH12', brand: 'Lumen Beauty', origin_country: 'CN',
      content: {
        en: { title: 'Makeup brush set, 12 pieces, with travel pouch', description: 'Synthetic bristles, wooden handles.' },
        'zh-CN': { title: '化妆刷套装 12 支 附收纳包', description: '人造纤维刷毛，木质刷柄。' },
      },
      skus: [{ code: 'LM-BRUSH12', hs_code: '960329', weight: { value: 260, unit: 'g' }, dimensions: dims(22, 12, 4, 'cm'), prices: { USD: 1499, EUR: 1399, SGD: 2190 } }],
    },
    markets: ['EU', 'SG'],
  },
  {
    input: {
      handle: 'LM-CARMOUNT-MAG', brand: 'Lumen', origin_country: 'CN',
      content: {
        en: { title: 'Magnetic car phone mount for air vents' },
        'zh-CN': { title: '出风口磁吸车载手机支架' },
      },
      compliance: { magnet: true },
      skus: [{ code: 'LM-CARMOUNT-MAG', hs_code: '392690', weight: { value: 45, unit: 'g' }, dimensions: dims(5, 5, 4, 'cm'), prices: { USD: 999, CAD: 1399 } }],
    },
    markets: ['CA'],
  },
  {
    input: {
      handle: 'LM-CABLE-C2C', brand: 'Lumen', origin_country: 'CN',
      content: {
        en: { title: 'USB-C to USB-C braided cable, 2 m, 100 W' },
        // no zh-CN title yet: the product cannot be listed until it has one
      },
      skus: [{ code: 'LM-CABLE-C2C-2M', hs_code: '854442', weight: { value: 60, unit: 'g' }, prices: { USD: 1199 } }],
    },
    markets: [],
  },
];

export async function catalogDemo(s: Services, orgs: DemoOrgs) {
  const seller = orgs.seller;
  if (!seller) return;
  const ctx = systemContext(seller.orgId, 'seller', 'demo');
  const store = documentStore(s);
  await s.db.transaction(async (tx) => {
    for (const p of DEMO_PRODUCTS) {
      const product = await createProduct(tx, ctx, p.input, { via: 'demo' });
      for (const c of p.certificates ?? []) await addCertificate(tx, ctx, store, product.id, c);
      for (const m of p.markets) await listProduct(tx, ctx, product.id, m);
    }
  });
}
