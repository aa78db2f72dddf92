/** The shield logo, drawn inline: no system font is guaranteed to have a shield glyph. */
export function BrandMark({ size = 32 }: { size?: number }) {
  return (
    <svg className="brand-mark" width={size} height={size} viewBox="0 0 32 32" aria-hidden="true">
      <path d="M16 2 4 6.5v8.2c0 7.4 5.1 13.2 12 15.3 6.9-2.1 12-7.9 12-15.3V6.5Z" fill="#c8102e" />
      <path d="m16 9 1.9 4.6 4.9.4-3.7 3.2 1.1 4.8L16 19.4 11.8 22l1.1-4.8-3.7-3.2 4.9-.4Z" fill="#ffd54a" />
    </svg>
  );
}
