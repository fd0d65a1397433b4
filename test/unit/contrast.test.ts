// The WCAG contrast helper against the values the WCAG examples and common tools give.
import { expect, test } from 'vitest';
import { WCAG_AA, contrastRatio, parseColour, relativeLuminance } from '../../helpers/contrast.ts';

test('relative luminance: black 0, white 1, mid grey as WCAG computes it', () => {
  expect(relativeLuminance('#000')).toBe(0);
  expect(relativeLuminance('#ffffff')).toBe(1);
  expect(relativeLuminance('rgb(119, 119, 119)')).toBeCloseTo(0.1845, 4);
});

test('contrast ratio: 21 for black on white, either order; #777 on white just misses AA, #767676 just meets it', () => {
  expect(contrastRatio('#000000', '#ffffff')).toBe(21);
  expect(contrastRatio('#ffffff', '#000000')).toBe(21);
  expect(contrastRatio('#777777', '#ffffff')).toBeLessThan(WCAG_AA);
  expect(contrastRatio('#767676', '#ffffff')).toBeGreaterThanOrEqual(WCAG_AA);
  expect(contrastRatio('#0d1117', '#0d1117')).toBe(1);
});

test('reads the colours a palette or a browser gives, refuses others by name', () => {
  expect(parseColour('#0A58CA')).toEqual([10, 88, 202]);
  expect(parseColour('rgba(13, 17, 23, 1)')).toEqual([13, 17, 23]);
  expect(() => parseColour('tomato')).toThrow('not a colour this helper reads: "tomato"');
});
