import i18n from 'i18next';
import { initReactI18next } from 'react-i18next';

/**
 * Strings live in `vi.json`/`en.json` here and, per capability, in `<capability>/vi.json`/`en.json` (each under its
 * own top-level key, plus entries of shared groups like `nav`), so features never edit each other's files.
 */
const files = import.meta.glob<Record<string, unknown>>('./**/*.json', { eager: true, import: 'default' });
type Strings = { [key: string]: string | Strings };
// Deep merge, so a capability can also add its own entries to shared groups such as `nav`.
const merge = (into: Strings, from: Strings): Strings => {
  for (const [k, v] of Object.entries(from))
    into[k] = typeof v === 'object' && typeof into[k] === 'object' ? merge({ ...into[k] }, v) : v;
  return into;
};
const bundle = (lang: string) =>
  Object.entries(files)
    .filter(([path]) => path.endsWith(`/${lang}.json`))
    .reduce<Strings>((all, [, strings]) => merge(all, strings as Strings), {});
const vi = bundle('vi');
const en = bundle('en');

export const LANGUAGES = ['vi', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];
const STORAGE_KEY = 'khien.language';

const stored = localStorage.getItem(STORAGE_KEY);
const initial: Language = stored === 'en' ? 'en' : 'vi';

void i18n.use(initReactI18next).init({
  resources: { vi: { translation: vi }, en: { translation: en } },
  lng: initial,
  fallbackLng: 'vi',
  // React already escapes what it renders.
  interpolation: { escapeValue: false },
});
document.documentElement.lang = initial;

export function setLanguage(lang: Language) {
  localStorage.setItem(STORAGE_KEY, lang);
  document.documentElement.lang = lang;
  void i18n.changeLanguage(lang);
}

export default i18n;
