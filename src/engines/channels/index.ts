// Sales-channel order normalisation: per-channel mapping at the edge, one ChannelOrder model inside.
export type {
  AdapterResult,
  ChannelAddress,
  ChannelBuyer,
  ChannelName,
  ChannelOrder,
  ChannelOrderLine,
  ChannelTaxLine,
  ChannelTotals,
  FulfilmentStatus,
  Issue,
  PaymentStatus,
} from './model';
export { MoneyError, divideMinor, formatMoney, minorUnitDigits, parseMoney } from './money';
export { excelSerialToUtcIso, toUtcIso } from './time';
export { hmacSha256Base64, verifyHmacSha256Base64, wooCommerceSigningSecret } from './signatures';
export {
  SHOPIFY_ORDER_TOPICS,
  SHOPIFY_REQUIRED_HEADERS,
  mapShopifyOrder,
  parseShopifyOrderWebhook,
  readShopifyFulfillment,
  type ShopifyFulfillmentInfo,
  type ShopifyOrderTopic,
  type WebhookOutcome,
  type WebhookRequest,
} from './shopify';
export { WOOCOMMERCE_ORDER_TOPICS, mapWooCommerceOrder, parseWooCommerceOrderWebhook } from './woocommerce';
export {
  amazonNextToken,
  amazonOrdersOf,
  mapAmazonOrder,
  mapAmazonOrders,
  parseAmazonOrderChange,
  type AmazonExtras,
  type AmazonOrderChange,
} from './amazon';
export { ebayNextHref, ebayOrdersOf, mapEbayOrder, mapEbayOrders } from './ebay';
export { CSV_ORDER_COLUMNS, decodeCsvBytes, parseCsvDate, parseCsvOrders, type CsvImportOptions } from './csv';
export {
  DEFAULT_RETRY,
  PollError,
  getJsonWithRetry,
  pollAmazonOrders,
  pollEbayOrders,
  retryAfterMs,
  type AmazonPollConfig,
  type EbayPollConfig,
  type FetchLike,
  type PollDeps,
  type PollStats,
  type RetryPolicy,
} from './poll';
export {
  checkPostcode,
  isIsoCountry,
  normaliseCountry,
  normalisePhone,
  normalisePostcode,
  validateAddress,
  type AddressIssue,
  type PhoneResult,
  type PostcodeCheck,
  type PostcodeRule,
  type PostcodeTable,
} from './address';
