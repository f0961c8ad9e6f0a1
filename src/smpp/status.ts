/**
 * SMPP command_status values (SMPP 3.4 §5.1.3, plus the 0x01xx codes SMPP 5.0 §4.7.6 added,
 * which some 3.4 SMSCs send anyway).
 *
 * `temporary` means "back off and retry the same PDU later" (README "Guarantees": an MO refused with
 * ESME_RX_T_APPN is redelivered): the SMSC is overloaded
 * (RTHROTTLED, RMSGQFUL), had an internal fault (RSYSERR), or the receiver asked for a redelivery
 * (RX_T_APPN). Everything else is permanent: retrying the same PDU gives the same answer.
 */
export interface CommandStatusInfo {
  code: number;
  temporary: boolean;
  description: string;
}

const permanent = (code: number, description: string): CommandStatusInfo => ({ code, temporary: false, description });
const temporary = (code: number, description: string): CommandStatusInfo => ({ code, temporary: true, description });

export const COMMAND_STATUS = {
  ESME_ROK: permanent(0x00, 'No error'),
  ESME_RINVMSGLEN: permanent(0x01, 'Message length is invalid'),
  ESME_RINVCMDLEN: permanent(0x02, 'Command length is invalid'),
  ESME_RINVCMDID: permanent(0x03, 'Invalid command ID'),
  ESME_RINVBNDSTS: permanent(0x04, 'Incorrect BIND status for given command'),
  ESME_RALYBND: permanent(0x05, 'ESME already in bound state'),
  ESME_RINVPRTFLG: permanent(0x06, 'Invalid priority flag'),
  ESME_RINVREGDLVFLG: permanent(0x07, 'Invalid registered delivery flag'),
  ESME_RSYSERR: temporary(0x08, 'System error'),
  ESME_RINVSRCADR: permanent(0x0a, 'Invalid source address'),
  ESME_RINVDSTADR: permanent(0x0b, 'Invalid destination address'),
  ESME_RINVMSGID: permanent(0x0c, 'Message ID is invalid'),
  ESME_RBINDFAIL: permanent(0x0d, 'Bind failed'),
  ESME_RINVPASWD: permanent(0x0e, 'Invalid password'),
  ESME_RINVSYSID: permanent(0x0f, 'Invalid system ID'),
  ESME_RCANCELFAIL: permanent(0x11, 'Cancel SM failed'),
  ESME_RREPLACEFAIL: permanent(0x13, 'Replace SM failed'),
  ESME_RMSGQFUL: temporary(0x14, 'Message queue full'),
  ESME_RINVSERTYP: permanent(0x15, 'Invalid service type'),
  ESME_RINVNUMDESTS: permanent(0x33, 'Invalid number of destinations'),
  ESME_RINVDLNAME: permanent(0x34, 'Invalid distribution list name'),
  ESME_RINVDESTFLAG: permanent(0x40, 'Destination flag is invalid (submit_multi)'),
  ESME_RINVSUBREP: permanent(0x42, "Invalid 'submit with replace' request"),
  ESME_RINVESMCLASS: permanent(0x43, 'Invalid esm_class field data'),
  ESME_RCNTSUBDL: permanent(0x44, 'Cannot submit to distribution list'),
  ESME_RSUBMITFAIL: permanent(0x45, 'submit_sm or submit_multi failed'),
  ESME_RINVSRCTON: permanent(0x48, 'Invalid source address TON'),
  ESME_RINVSRCNPI: permanent(0x49, 'Invalid source address NPI'),
  ESME_RINVDSTTON: permanent(0x50, 'Invalid destination address TON'),
  ESME_RINVDSTNPI: permanent(0x51, 'Invalid destination address NPI'),
  ESME_RINVSYSTYP: permanent(0x53, 'Invalid system_type field'),
  ESME_RINVREPFLAG: permanent(0x54, 'Invalid replace_if_present flag'),
  ESME_RINVNUMMSGS: permanent(0x55, 'Invalid number of messages'),
  ESME_RTHROTTLED: temporary(0x58, 'Throttling error (ESME has exceeded allowed message limits)'),
  ESME_RINVSCHED: permanent(0x61, 'Invalid scheduled delivery time'),
  ESME_RINVEXPIRY: permanent(0x62, 'Invalid message validity period (expiry time)'),
  ESME_RINVDFTMSGID: permanent(0x63, 'Predefined message invalid or not found'),
  ESME_RX_T_APPN: temporary(0x64, 'ESME receiver temporary app error code'),
  ESME_RX_P_APPN: permanent(0x65, 'ESME receiver permanent app error code'),
  ESME_RX_R_APPN: permanent(0x66, 'ESME receiver reject message error code'),
  ESME_RQUERYFAIL: permanent(0x67, 'query_sm request failed'),
  // 0xC0..0xC4: SMPP 3.4 spells 0xC0 ESME_RINVOPTPARSTREAM; 5.0 renamed it (see STATUS_ALIASES).
  ESME_RINVTLVSTREAM: permanent(0xc0, 'Error in the optional part of the PDU body'),
  ESME_ROPTPARNOTALLWD: permanent(0xc1, 'Optional parameter not allowed'),
  ESME_RINVPARLEN: permanent(0xc2, 'Invalid parameter length'),
  ESME_RMISSINGOPTPARAM: permanent(0xc3, 'Expected optional parameter missing'),
  ESME_RINVOPTPARAMVAL: permanent(0xc4, 'Invalid optional parameter value'),
  ESME_RDELIVERYFAILURE: permanent(0xfe, 'Delivery failure (data_sm_resp)'),
  ESME_RUNKNOWNERR: permanent(0xff, 'Unknown error'),
  // SMPP 5.0 additions.
  ESME_RSERTYPUNAUTH: permanent(0x100, 'ESME not authorised to use specified service_type'),
  ESME_RPROHIBITED: permanent(0x101, 'ESME prohibited from using specified operation'),
  ESME_RSERTYPUNAVAIL: permanent(0x102, 'Specified service_type is unavailable'),
  ESME_RSERTYPDENIED: permanent(0x103, 'Specified service_type is denied'),
  ESME_RINVDCS: permanent(0x104, 'Invalid data coding scheme'),
  ESME_RINVSRCADDRSUBUNIT: permanent(0x105, 'Source address subunit is invalid'),
  ESME_RINVDSTADDRSUBUNIT: permanent(0x106, 'Destination address subunit is invalid'),
} as const satisfies Record<string, CommandStatusInfo>;

export type CommandStatusName = keyof typeof COMMAND_STATUS;

/** Other spellings found in specs and libraries, resolved to the names in COMMAND_STATUS. */
export const STATUS_ALIASES = {
  ESME_RINVOPTPARSTREAM: 'ESME_RINVTLVSTREAM', // SMPP 3.4 name for 0xC0
  ESME_RTLVNOTALLWD: 'ESME_ROPTPARNOTALLWD', // SMPP 5.0 names for 0xC1..0xC4
  ESME_RINVTLVLEN: 'ESME_RINVPARLEN',
  ESME_RMISSINGTLV: 'ESME_RMISSINGOPTPARAM',
  ESME_RINVTLVVAL: 'ESME_RINVOPTPARAMVAL',
} as const satisfies Record<string, CommandStatusName>;

type StatusCodes = { readonly [K in CommandStatusName | keyof typeof STATUS_ALIASES]: number };

/** name → code, e.g. `STATUS.ESME_RX_T_APPN === 0x64`. */
export const STATUS: StatusCodes = Object.freeze({
  ...(Object.fromEntries(Object.entries(COMMAND_STATUS).map(([name, info]) => [name, info.code])) as Record<
    CommandStatusName,
    number
  >),
  ...(Object.fromEntries(
    Object.entries(STATUS_ALIASES).map(([alias, name]) => [alias, COMMAND_STATUS[name].code]),
  ) as Record<keyof typeof STATUS_ALIASES, number>),
});

const infoByCode: ReadonlyMap<number, { name: CommandStatusName; info: CommandStatusInfo }> = new Map(
  (Object.entries(COMMAND_STATUS) as [CommandStatusName, CommandStatusInfo][]).map(([name, info]) => [
    info.code,
    { name, info },
  ]),
);

const hex32 = (code: number): string => '0x' + (code >>> 0).toString(16).toUpperCase().padStart(8, '0');

/** Symbolic name, or `0x%08X` for codes outside the table (vendor-specific 0x400..0x4FF etc.). */
export function statusName(code: number): string {
  return infoByCode.get(code)?.name ?? hex32(code);
}

/**
 * Unknown codes (including vendor-specific ones) count as permanent: retrying a PDU the SMSC
 * rejected for a reason we cannot read risks a loop, and permanent failure is visible.
 */
export function isTemporary(code: number): boolean {
  return infoByCode.get(code)?.info.temporary ?? false;
}
