import { rupiah } from './money.js';

/**
 * Shape of a product's `desc` object. Each family follows one of IAK's documented samples
 * (reference docs `docs/postpaid/core/product/<family>/*.md`), so clients meet the same shapes here.
 */
export type IakFamily =
  | 'pln'
  | 'pln-nontaglist'
  | 'bpjs'
  | 'bpjstk-bpu'
  | 'bpjstk-pu'
  | 'pdam'
  | 'gas'
  | 'telco'
  | 'internet-telkom'
  | 'internet'
  | 'tv-telkomvision'
  | 'tv'
  | 'multifinance'
  | 'insurance'
  | 'esamsat'
  | 'pbb'
  | 'custom-denom'
  | 'church';

/** Request fields a product needs beyond the common inquiry fields. */
export type IakExtraField = 'month' | 'nomor_identitas' | 'year' | 'desc.amount';

export interface IakProduct {
  code: string;
  name: string;
  /** The pricelist `type` (path parameter of `/api/v1/bill/check/{type}`). */
  type: string;
  family: IakFamily;
  /** 1 active, 0 non active (pricelist `status`). */
  status: 0 | 1;
  /** Admin fee per bill, sen. */
  adminPerBill: bigint;
  /** IAK's commission per bill, sen: `selling_price = price - komisi`. */
  komisiPerBill: bigint;
  /** PDAM only. */
  province?: string;
  extras: readonly IakExtraField[];
}

function product(
  code: string,
  name: string,
  type: string,
  family: IakFamily,
  adminRupiah: number,
  komisiRupiah: number,
  more: { province?: string; extras?: IakExtraField[]; status?: 0 | 1 } = {},
): IakProduct {
  const entry: IakProduct = {
    code,
    name,
    type,
    family,
    status: more.status ?? 1,
    adminPerBill: rupiah(adminRupiah),
    komisiPerBill: rupiah(komisiRupiah),
    extras: more.extras ?? [],
  };
  if (more.province !== undefined) entry.province = more.province;
  return entry;
}

/**
 * Products the sandbox knows: every product of a documented test number, plus PALYJA so that the PDAM
 * `province` filter has more than one Jakarta entry (it appears in the official SDK docs' pricelist sample).
 * Fees and commissions are the documented samples' `admin` and `price - selling_price`.
 */
export const IAK_PRODUCTS: readonly IakProduct[] = [
  product('PLNPOSTPAID', 'PLN Pascabayar', 'pln', 'pln', 2500, 600),
  product('PLNNONH', 'PLN Non Taglist', 'pln', 'pln-nontaglist', 1600, 1800),
  product('PLNNONTAG', 'PLN Non Taglist', 'pln', 'pln-nontaglist', 1600, 1800),
  product('BPJS', 'BPJS Kesehatan', 'bpjs', 'bpjs', 2500, 200, { extras: ['month'] }),
  product('BPJSTK', 'BPJS Ketenagakerjaan BPU', 'bpjs', 'bpjstk-bpu', 3500, 2500, { extras: ['month'] }),
  product('BPJSTKPU', 'BPJS Ketenagakerjaan PU', 'bpjs', 'bpjstk-pu', 2500, 2000),
  product('PDAMKOTA.SURABAYA', 'PDAM KOTA SURABAYA', 'pdam', 'pdam', 2000, 700, { province: 'Jawa Timur' }),
  product('PDAMKOTA.MEDAN', 'PDAM KOTA MEDAN', 'pdam', 'pdam', 2000, 700, { province: 'Sumatera Utara' }),
  product('AETRA', 'AETRA', 'pdam', 'pdam', 2500, 700, { province: 'Jakarta' }),
  product('PALYJA', 'PALYJA JAKARTA', 'pdam', 'pdam', 2500, 700, { province: 'Jakarta' }),
  product('PGAS', 'PGN Gas', 'gas', 'gas', 2500, 600),
  product('HPTHREE', 'Tri Pascabayar', 'hp', 'telco', 0, 1000),
  product('TELKOMPSTN', 'Telkom', 'internet', 'internet-telkom', 2500, 1200),
  product('CBN', 'CBN', 'internet', 'internet', 0, 1000),
  product('TVTLKMV', 'Telkomvision', 'tv', 'tv-telkomvision', 1950, 1000),
  product('TVBIG', 'BIG TV', 'tv', 'tv', 0, 1100),
  product('FNMEGA', 'Mega Finance', 'finance', 'multifinance', 0, 500),
  product('AIA.PREMICONVEN', 'AIA Premi Konvensional', 'asuransi', 'insurance', 3000, 500),
  product('ESAMSAT.JABAR', 'E-Samsat Jawa Barat', 'pajak-kendaraan', 'esamsat', 5000, 2500, { extras: ['nomor_identitas'] }),
  product('PBBKOT.CIMAHI', 'PBB Kota Cimahi', 'pbb', 'pbb', 5000, 0, { extras: ['year'] }),
  product('SHOPEEPAY', 'ShopeePay', 'emoney', 'custom-denom', 800, 450, { extras: ['desc.amount'] }),
  // IAK documents no pricelist `type` for church offerings; they are served but listed under no typed price list.
  product('MEMBER.Shiftsoft_MMS-Perpuluhan_2022', 'Persembahan Gereja Member', '', 'church', 800, 450, { extras: ['desc.amount'] }),
  product('NONMEMBER.Shiftsoft_MMS-Perpuluhan_2022', 'Persembahan Gereja Non Member', '', 'church', 800, 450, { extras: ['desc.amount'] }),
  product('NONMEMBER.IAK_Church-Perpuluhan_2022', 'Persembahan Gereja Non Member', '', 'church', 800, 450, { extras: ['desc.amount'] }),
];

const BY_CODE = new Map(IAK_PRODUCTS.map((entry) => [entry.code, entry]));

export function findProduct(code: string): IakProduct | undefined {
  return BY_CODE.get(code);
}

/**
 * `type` values of `/api/v1/bill/check/{type}`: the 2023 reference list (which includes every value of the
 * newer, shorter live list).
 */
export const IAK_PRICELIST_TYPES: readonly string[] = [
  'pdam',
  'bpjs',
  'internet',
  'pajak-kendaraan',
  'finance',
  'hp',
  'estate',
  'emoney',
  'kereta',
  'tv',
  'airline',
  'o2o',
  'pbb',
  'gas',
  'pajak-daerah',
  'pln',
  'pasar',
  'retribusi',
  'pendidikan',
  'asuransi',
];
