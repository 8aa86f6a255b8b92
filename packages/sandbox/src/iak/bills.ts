import { amount, receiptRupiah, rupiah, senToRupiahText } from './money.js';
import type { IakProduct } from './products.js';

/** Product-specific inquiry extras as the request carried them (already validated). */
export interface IakInquiryExtras {
  month?: number;
  year?: string;
  nomorIdentitas?: string;
  /** `desc.amount`, sen. */
  amount?: bigint;
}

/** One bill as an inquiry found it; amounts are sen. */
export interface IakBill {
  trName: string;
  period: string;
  nominal: bigint;
  admin: bigint;
  komisi: bigint;
  billCount: number;
  /** `desc` of the inquiry answer (`[]` for products without one, as IAK sends it). */
  inquiryDesc: Record<string, unknown> | unknown[];
  /** `desc` of the payment / checkstatus answer. */
  paymentDesc: Record<string, unknown> | unknown[];
  /** Product-specific lines of the receipt (label → text), shown after the common header lines. */
  receipt: Array<[string, string]>;
}

const MONTHS_ID = ['JAN', 'FEB', 'MAR', 'APR', 'MEI', 'JUN', 'JUL', 'AGS', 'SEP', 'OKT', 'NOV', 'DES'] as const;

/** `count` consecutive months ending at `last` (YYYYMM), oldest first. */
function monthsEndingAt(last: string, count: number): Array<{ ym: string; label: string }> {
  const year = Number(last.slice(0, 4));
  const month = Number(last.slice(4, 6)) - 1;
  const out: Array<{ ym: string; label: string }> = [];
  for (let i = count - 1; i >= 0; i--) {
    const index = year * 12 + month - i;
    const y = Math.floor(index / 12);
    const m = index % 12;
    out.push({ ym: `${y}${String(m + 1).padStart(2, '0')}`, label: `${MONTHS_ID[m]} ${y}` });
  }
  return out;
}

/** `201608` for one bill, `201601,201608` (first,last) for several — the form of the multi-bill samples. */
function periodOf(months: Array<{ ym: string }>): string {
  const first = months[0]?.ym ?? '';
  const last = months[months.length - 1]?.ym ?? '';
  return first === last ? first : `${first},${last}`;
}

const text = senToRupiahText;

/**
 * Builds the bill a test number's successful inquiry returns. `billCount` > 1 only for the documented
 * multi-bill numbers (PLN 8, PDAM Medan 4, Telkom 3).
 */
export function buildBill(product: IakProduct, hp: string, billCount: number, extras: IakInquiryExtras): IakBill {
  const n = Math.max(1, billCount);
  const admin = product.adminPerBill * BigInt(n);
  const komisi = product.komisiPerBill * BigInt(n);
  switch (product.family) {
    case 'pln': {
      const months = monthsEndingAt('201608', n);
      const perBill = rupiah(300000);
      const detail = months.map((m) => ({
        periode: m.ym,
        nilai_tagihan: text(perBill),
        admin: text(product.adminPerBill),
        denda: '0',
        total: amount(perBill + product.adminPerBill),
      }));
      return {
        trName: 'SUBCRIBER NAME',
        period: periodOf(months),
        nominal: perBill * BigInt(n),
        admin,
        komisi,
        billCount: n,
        inquiryDesc: { tarif: 'R1', daya: 1300, lembar_tagihan: String(n), tagihan: { detail } },
        paymentDesc: {
          tarif: 'R1',
          daya: 1300,
          lembar_tagihan: String(n),
          lembar_tagihan_sisa: 0,
          tagihan: { detail: detail.map((d) => ({ meter_awal: '00080000', meter_akhir: '00080000', ...d })) },
        },
        receipt: [
          ['TARIF/DAYA', 'R1/1300 VA'],
          ['LEMBAR TAGIHAN', String(n)],
          ['STAND METER', '00080000-00080000'],
        ],
      };
    }
    case 'pln-nontaglist': {
      const desc = { transaksi: 'PENYAMBUNGAN BARU', no_registrasi: '5392112011703', tanggal_registrasi: '20120524' };
      return {
        trName: 'JAYUSMAN',
        period: '',
        nominal: rupiah(696400),
        admin,
        komisi,
        billCount: 1,
        inquiryDesc: desc,
        paymentDesc: { ...desc },
        receipt: [
          ['TRANSAKSI', desc.transaksi],
          ['NO REGISTRASI', desc.no_registrasi],
        ],
      };
    }
    case 'bpjs': {
      const month = extras.month ?? 1;
      const desc = { kode_cabang: '0901', nama_cabang: 'JAKARTA PUSAT', sisa_pembayaran: '0', jumlah_peserta: '2' };
      return {
        trName: 'VERGIE',
        period: String(month).padStart(2, '0'),
        nominal: rupiah(25000) * BigInt(month),
        admin,
        komisi,
        billCount: 1,
        inquiryDesc: desc,
        paymentDesc: { ...desc },
        receipt: [
          ['JUMLAH PESERTA', '2 ORANG'],
          ['SISA SBLMNYA', 'Rp 0'],
          ['PERIODE', `${month} BULAN`],
        ],
      };
    }
    case 'bpjstk-bpu': {
      const month = extras.month ?? 1;
      const base = {
        kode_program: 'JKK,JKM',
        jht: 0,
        jkk: 10000 * month,
        jkm: 6800 * month,
        kantor_cabang: 'KABUPATEN TANGERANG',
        tgl_efektif: '05-11-2022',
        tgl_expired: '09-10-2026',
      };
      return {
        trName: 'DWI TAMARA ANGGITA',
        period: String(month),
        nominal: rupiah(16800) * BigInt(month),
        admin,
        komisi,
        billCount: 1,
        inquiryDesc: { kode_iuran: '', ...base },
        paymentDesc: { kode_iuran: '922053115900', ...base },
        receipt: [
          ['PROGRAM', base.kode_program],
          ['KANTOR CABANG', base.kantor_cabang],
        ],
      };
    }
    case 'bpjstk-pu': {
      const desc = { kode_iuran: hp, jht: 61688, jkk: 1082, jkm: 2166, jpk: 2597, jpn: 32467, npp: '15092873', kode_divisi: '000' };
      return {
        trName: 'PT LIMABELAS',
        period: '202104',
        nominal: rupiah(100000),
        admin,
        komisi,
        billCount: 1,
        inquiryDesc: desc,
        paymentDesc: { ...desc },
        receipt: [['NPP', desc.npp]],
      };
    }
    case 'pdam': {
      const months = monthsEndingAt('201412', n);
      const surabaya = product.code === 'PDAMKOTA.SURABAYA';
      const penalty = rupiah(7500);
      const billAmount = rupiah(27240);
      const misc = rupiah(750);
      const detail = months.map((m, i) => ({
        period: m.ym,
        first_meter: 4589 + i * 24,
        last_meter: 4613 + i * 24,
        penalty: amount(penalty),
        bill_amount: amount(billAmount),
        misc_amount: amount(misc),
        ...(surabaya ? { stand: '' } : {}),
      }));
      const desc = {
        bill_quantity: n,
        address: 'WONOKROMO S.S BARU 2 8',
        biller_admin: '',
        pdam_name: product.code === 'AETRA' ? 'AETRA' : `PDAM ${product.code.replace('PDAMKOTA.', '')}`,
        stamp_duty: '',
        due_date: '1-15 DES 2014',
        ...(surabaya ? { kode_tarif: '3A' } : {}),
        bill: { detail },
      };
      return {
        trName: 'DADANG SOEKARDI',
        period: periodOf(months),
        nominal: (penalty + billAmount + misc) * BigInt(n),
        admin,
        komisi,
        billCount: n,
        inquiryDesc: desc,
        paymentDesc: { ...desc },
        receipt: [
          ['JUMLAH BULAN', `${n} BULAN`],
          ['ALAMAT', desc.address],
        ],
      };
    }
    case 'gas': {
      const desc = { address: '-', first_meter: '006538', last_meter: '006573', usage: 35 };
      return {
        trName: 'NGATIMUN',
        period: '0917',
        nominal: rupiah(322002),
        admin,
        komisi,
        billCount: 1,
        inquiryDesc: desc,
        paymentDesc: { ...desc },
        receipt: [['PEMAKAIAN', '35 M3']],
      };
    }
    case 'telco': {
      const desc = {
        kode_area: '',
        divre: '',
        datel: '',
        jumlah_tagihan: n,
        tagihan: { detail: Array.from({ length: n }, () => ({ periode: '', nilai_tagihan: '', admin: '', total: '' })) },
      };
      return {
        trName: 'INTAN NUR AZIZA',
        period: '',
        nominal: rupiah(55000) * BigInt(n),
        admin,
        komisi,
        billCount: n,
        inquiryDesc: desc,
        paymentDesc: { ...desc },
        receipt: [['JUMLAH TAGIHAN BULAN', String(n)]],
      };
    }
    case 'internet-telkom': {
      const amounts = [49870, 44870, 34870];
      // Three bills reproduce the documented sample exactly (MEI–JUL 2014, 49870 / 44870 / 34870).
      const months = monthsEndingAt('201407', n);
      const bills = months.map((m, i) => ({ m, value: rupiah(amounts[i % amounts.length] ?? 49870) }));
      const detail = bills.map(({ m, value }) => ({
        periode: m.label,
        nilai_tagihan: text(value),
        admin: text(product.adminPerBill),
        total: amount(value + product.adminPerBill),
      }));
      const desc = { kode_area: '0751', divre: '01', datel: '0006', jumlah_tagihan: n, tagihan: { detail } };
      return {
        trName: 'JAORAH',
        period: periodOf(months),
        nominal: bills.reduce((sum, b) => sum + b.value, 0n),
        admin,
        komisi,
        billCount: n,
        inquiryDesc: desc,
        paymentDesc: { ...desc },
        receipt: [['JUMLAH TAGIHAN BULAN', String(n)]],
      };
    }
    case 'internet': {
      const desc = { product_desc: 'CBN Anywhere Basic' };
      return {
        trName: 'Budi',
        period: '201905',
        nominal: rupiah(30000),
        admin,
        komisi,
        billCount: 1,
        inquiryDesc: desc,
        paymentDesc: { ...desc },
        receipt: [['PAKET', desc.product_desc]],
      };
    }
    case 'tv-telkomvision': {
      const desc = {
        bill_quantity: '1',
        product_category: '',
        ppn: 0,
        tagihan: { detail: [{ periode: 'MEI 12', nilai_tagihan: '99000', no_ref: '205A' }] },
      };
      return {
        trName: 'BAITUS MONGJENG',
        period: 'MEI 12',
        nominal: rupiah(99000),
        admin,
        komisi,
        billCount: 1,
        inquiryDesc: desc,
        paymentDesc: { ...desc },
        receipt: [['PERIODE', 'MEI 12']],
      };
    }
    case 'tv': {
      const desc = { bill_quantity: '1', product_category: '', ppn: 0, tagihan: { detail: [] } };
      return {
        trName: 'Mr. syahrun as',
        period: '',
        nominal: rupiah(138499),
        admin,
        komisi,
        billCount: 1,
        inquiryDesc: desc,
        paymentDesc: { ...desc },
        receipt: [],
      };
    }
    case 'multifinance': {
      const desc = {
        misc_fee: 0,
        item_name: 'HONDA VARIO TECHNO 125 PGM FI NON CBS',
        no_rangka: 'MH1JFB111CK196426',
        no_pol: 'B6213UWX',
        tenor: '030',
        installment: 657695,
        penalty_bill: 3305,
        max_payment: 0,
        last_paid_due_date: '14 Dec 12',
        id_ref: '514367',
      };
      return {
        trName: 'ABDUL SAMID HARAHAP',
        period: '005',
        nominal: rupiah(661000),
        admin,
        komisi,
        billCount: 1,
        inquiryDesc: desc,
        paymentDesc: { ...desc },
        receipt: [
          ['ANGSURAN KE', '005'],
          ['NO POLISI', desc.no_pol],
        ],
      };
    }
    case 'insurance': {
      // The JSON sample sends footer as a one-line array, the field table and the XML twin as a string:
      // the sandbox follows the documented contract (string).
      const desc = { insured: 'XX', policy_status: 'XX', due_date: 'XX', footer: 'AIA CUSTOMER CARE 1500980' };
      return {
        trName: 'USER TESTING AIA',
        period: '',
        nominal: rupiah(1250000),
        admin,
        komisi,
        billCount: 1,
        inquiryDesc: desc,
        paymentDesc: { ...desc },
        receipt: [['INFO', 'AIA CUSTOMER CARE 1500980']],
      };
    }
    case 'esamsat': {
      const desc = {
        nomor_identitas: extras.nomorIdentitas ?? '',
        nomor_rangka: 'MHKV5EA2JFJ001044',
        nomor_mesin: '1NRF012268',
        alamat: 'GRIYA BULELENG 2 RT 005 RW 014 BULELENG',
        milik_kenama: '001',
        merek_kb: 'DAIHATSU',
        tahun_buatan: '2018',
        tgl_akhir_pajak_baru: '20191022',
        biaya_pokok: { BBN: '0', PKB: '2131000', SWD: '143500' },
        biaya_denda: { BBN: '0', PKB: '0', SWD: '0' },
        biaya_admin: { stnk: '0', tnkb: '0' },
        biaya_parkir_pokok: '0',
        biaya_pajak_progresif: '0',
        ntpd: '',
      };
      return {
        trName: 'TESTING ESAMSAT',
        period: '20181022-20191022',
        nominal: rupiah(2274500),
        admin,
        komisi,
        billCount: 1,
        inquiryDesc: desc,
        paymentDesc: { ...desc, ntpd: '0F8B1C2D3E4A5B6C' },
        receipt: [
          // The sample's undocumented nomor_polisi / model_kb stay off the wire (strict contract) but print here.
          ['NOMOR POLISI', 'DK 1243AL'],
          ['MEREK', `${desc.merek_kb} XENIA 1.3 R M/T`],
        ],
      };
    }
    case 'pbb': {
      const year = extras.year ?? '2019';
      const total = rupiah(203857);
      const desc = {
        tanggal: `${year}-08-14 14:38:59`,
        nop: '328073000401005610',
        tahun_pajak: year,
        lokasi: 'KO. GRIYA ASRI CIPAGERAN',
        kelurahan: 'CIPAGERAN',
        kecamatan: 'CIMAHI UTARA',
        kab_kota: 'PEMKOT CIMAHI',
        luas_tanah: '113 M2',
        luas_gedung: '47 M2',
        jatuh_tempo: `31/10/${year}`,
        total_tagihan: amount(total),
        denda: 0,
        admin: amount(product.adminPerBill),
        total_bayar: amount(total + product.adminPerBill),
      };
      return {
        trName: 'TESTING PBB',
        period: `${year}09`,
        nominal: total,
        admin,
        komisi,
        billCount: 1,
        inquiryDesc: desc,
        paymentDesc: { ...desc },
        receipt: [
          ['NOP', desc.nop],
          ['TAHUN PAJAK', year],
        ],
      };
    }
    case 'custom-denom': {
      return {
        trName: 'IAK Sandbox Inquiry',
        period: '',
        nominal: extras.amount ?? rupiah(100000),
        admin,
        komisi,
        billCount: 1,
        inquiryDesc: { footer: '' },
        paymentDesc: { footer: '' },
        receipt: [],
      };
    }
    case 'church': {
      return {
        trName: 'IAK Sandbox Testing',
        period: '202310',
        nominal: extras.amount ?? rupiah(100000),
        admin,
        komisi,
        billCount: 1,
        inquiryDesc: [],
        paymentDesc: [],
        receipt: [],
      };
    }
  }
}

/** Common receipt lines, then the product's own (keys are display labels, as in IAK's JSON receipt). */
export function receiptLines(input: {
  productName: string;
  noref: string;
  paidAt: string;
  hp: string;
  bill: IakBill;
}): Array<[string, string]> {
  const { bill } = input;
  return [
    ['HEADER', `STRUK PEMBAYARAN ${input.productName}`],
    ['NO REFERENSI', input.noref],
    ['TANGGAL', input.paidAt],
    ['NO. RESI', input.noref],
    ['NAMA PRODUK', input.productName],
    ['ID PELANGGAN', input.hp],
    ['NAMA', bill.trName],
    ...(bill.period === '' ? [] : ([['PERIODE TAGIHAN', bill.period]] as Array<[string, string]>)),
    ...bill.receipt,
    ['JUMLAH TAGIHAN', receiptRupiah(bill.nominal)],
    ['ADMIN', receiptRupiah(bill.admin)],
    ['TOTAL BAYAR', receiptRupiah(bill.nominal + bill.admin)],
  ];
}
