// Order and stock builders over the routing engine's demo products, used by the demo data and the
// tests until the orders / inventory modules provide real ones.
import { DEMO_PRODUCTS } from '../../engines/routing/index.ts';
import type { AddressInput, OrderInput, WarehouseInput } from './inputs.ts';

/** Customs data for the demo products (HS 2022 subheadings, bilingual descriptions). */
export const DEMO_CUSTOMS: Record<string, { description: string; description_zh: string; hs_code: string; origin_country: string }> = {
  'EARBUDS-X1': { description: 'Wireless earbuds with charging case', description_zh: '无线蓝牙耳机（含充电盒）', hs_code: '851830', origin_country: 'CN' },
  'POWERBANK-20K': { description: 'Power bank 20000 mAh (lithium-ion)', description_zh: '移动电源 20000毫安时', hs_code: '850760', origin_country: 'CN' },
  'YOGA-MAT': { description: 'Yoga mat, TPE, 6 mm', description_zh: '瑜伽垫 TPE 6毫米', hs_code: '950691', origin_country: 'CN' },
  'MAGNETIC-TILES-60': { description: 'Magnetic building tiles, 60 pieces', description_zh: '磁力片积木 60片', hs_code: '950300', origin_country: 'CN' },
  'PERFUME-50ML': { description: 'Eau de parfum 50 ml', description_zh: '香水 50毫升', hs_code: '330300', origin_country: 'FR' },
  'LED-STRIP-5M': { description: 'LED light strip 5 m', description_zh: 'LED灯带 5米', hs_code: '940542', origin_country: 'CN' },
};

export const DEMO_CONSIGNEES: Record<string, AddressInput> = {
  US: { name: 'Jordan Miller', line1: '350 Fifth Avenue', city: 'New York', state: 'NY', postcode: '10118', country: 'US', phone: '+1 212 736 3100' },
  DE: { name: 'Maria Keller', company: 'Keller Home & Living', line1: 'Mönckebergstraße 7', city: 'Hamburg', postcode: '20095', country: 'DE', phone: '+49 40 30 96 20' },
};

export const DEMO_WAREHOUSE_ADDRESSES: Record<string, AddressInput> = {
  'wh-cn-szx': { name: 'Shenzhen Lumen Electronics 深圳流明电子', company: 'Shenzhen Lumen Electronics Co., Ltd.', line1: '南山区科技园 8 栋', city: 'Shenzhen 深圳', postcode: '518000', country: 'CN', phone: '+86 755 8888 0000' },
  'wh-us-ont': { name: 'Ontario 3PL', line1: '4000 E Airport Dr', city: 'Ontario', state: 'CA', postcode: '91761', country: 'US' },
  'wh-ca-yyz': { name: 'GTA 3PL', line1: '6500 Silver Dart Dr', city: 'Mississauga', state: 'ON', postcode: 'L5T2N7', country: 'CA' },
  'wh-de-dus': { name: 'Rhein Fulfilment Duisburg', line1: 'Hafenstraße 1', city: 'Duisburg', postcode: '47059', country: 'DE' },
};

export function demoOrder(ref: string, lines: [sku: string, quantity: number][], opts: { country?: 'US' | 'DE'; consignee?: AddressInput; incoterm?: 'DDP' | 'DAP'; promised_date?: string; currency?: string } = {}): OrderInput {
  return {
    ref,
    currency: opts.currency ?? 'USD',
    incoterm: opts.incoterm ?? 'DDP',
    promised_date: opts.promised_date,
    consignee: opts.consignee ?? DEMO_CONSIGNEES[opts.country ?? 'US']!,
    lines: lines.map(([sku, quantity]) => {
      const p = DEMO_PRODUCTS[sku]!;
      return {
        sku, quantity, ...DEMO_CUSTOMS[sku]!, unit_value_minor: p.unitValueMinor, unit_weight_grams: p.unitWeightGrams,
        length_cm: p.lengthCm, width_cm: p.widthCm, height_cm: p.heightCm, battery: p.battery, liquid: p.liquid, magnet: p.magnet,
      };
    }),
  };
}

/** The demo network's four warehouses with the given stock (sku → units). */
export function demoWarehouses(stock: Record<string, Record<string, number>>, safety: Record<string, Record<string, number>> = {}): WarehouseInput[] {
  const base = [
    { id: 'wh-cn-szx', country: 'CN', postcode: '518000' },
    { id: 'wh-us-ont', country: 'US', postcode: '91761' },
    { id: 'wh-ca-yyz', country: 'CA', postcode: 'L5T2N7' },
    { id: 'wh-de-dus', country: 'DE', postcode: '47059' },
  ];
  return base.map((w) => ({ ...w, name: DEMO_WAREHOUSE_ADDRESSES[w.id]!.name, address: DEMO_WAREHOUSE_ADDRESSES[w.id], stock: stock[w.id] ?? {}, safety_stock: safety[w.id] }));
}
