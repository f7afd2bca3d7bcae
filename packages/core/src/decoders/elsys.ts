// The Elsys sensor payload (ERS, ERS CO2...): a sequence of [type byte, value bytes],
// per Elsys' public payload documentation. Only the types whose layout is documented and
// used here are read; an unknown type ends decoding with an error (its length is unknown).

export interface TElsysReading {
  temperature?: number;
  humidity?: number;
  light?: number;
  motion?: number;
  co2?: number;
  vddMv?: number;
  pressure?: number;
  acceleration?: { x: number; y: number; z: number };
}

const int16 = (b: Uint8Array, i: number) => ((((b[i] ?? 0) << 8) | (b[i + 1] ?? 0)) << 16) >> 16;
const uint16 = (b: Uint8Array, i: number) => ((b[i] ?? 0) << 8) | (b[i + 1] ?? 0);
const int8 = (b: Uint8Array, i: number) => ((b[i] ?? 0) << 24) >> 24;

export function decodeElsys(bytes: Uint8Array): TElsysReading {
  const out: TElsysReading = {};
  let i = 0;
  const need = (n: number, what: string) => {
    if (i + n > bytes.length) throw new Error(`Elsys payload ends inside ${what} (byte ${i})`);
  };
  while (i < bytes.length) {
    const type = bytes[i++];
    switch (type) {
      case 0x01:
        need(2, "temperature");
        out.temperature = int16(bytes, i) / 10;
        i += 2;
        break;
      case 0x02:
        need(1, "humidity");
        out.humidity = bytes[i++];
        break;
      case 0x03:
        need(3, "acceleration");
        // 63 = 1 g, per axis
        out.acceleration = {
          x: (int8(bytes, i) / 63) * 9.81,
          y: (int8(bytes, i + 1) / 63) * 9.81,
          z: (int8(bytes, i + 2) / 63) * 9.81,
        };
        i += 3;
        break;
      case 0x04:
        need(2, "light");
        out.light = uint16(bytes, i);
        i += 2;
        break;
      case 0x05:
        need(1, "motion");
        out.motion = bytes[i++];
        break;
      case 0x06:
        need(2, "co2");
        out.co2 = uint16(bytes, i);
        i += 2;
        break;
      case 0x07:
        need(2, "battery voltage");
        out.vddMv = uint16(bytes, i);
        i += 2;
        break;
      case 0x14:
        need(4, "pressure");
        out.pressure =
          ((((bytes[i] ?? 0) << 24) >>> 0) + ((bytes[i + 1] ?? 0) << 16) + ((bytes[i + 2] ?? 0) << 8) + (bytes[i + 3] ?? 0)) /
          1000;
        i += 4;
        break;
      default:
        throw new Error(`Elsys data type 0x${(type ?? 0).toString(16).padStart(2, "0")} is not supported (byte ${i - 1})`);
    }
  }
  return out;
}

/** Battery level from the supply voltage of a 3.6 V lithium cell: 2.5 V empty, 3.6 V full (an estimate). */
export function batteryPercent(mv: number): number {
  return Math.max(0, Math.min(100, Math.round(((mv - 2500) / 1100) * 100)));
}
