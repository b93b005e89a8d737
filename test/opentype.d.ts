// Types for the part of opentype.js (https://github.com/opentypejs/opentype.js) the font test uses.
declare module 'opentype.js' {
  interface Font {
    charToGlyphIndex(character: string): number;
  }
  const opentype: { parse(buffer: ArrayBuffer): Font };
  export default opentype;
}
