import i18n from 'i18next';
import { initReactI18next } from 'react-i18next';

/**
 * Strings live in `vi.json`/`en.json` here and, per capability, in `<capability>/vi.json`/`en.json` (each under its
 * own top-level key), so features add translations without touching each other's files.
 */
const files = import.meta.glob<Record<string, unknown>>('./**/*.json', { eager: true, import: 'default' });
const bundle = (lang: string) =>
  Object.assign(
    {},
    ...Object.entries(files)
      .filter(([path]) => path.endsWith(`/${lang}.json`))
      .map(([, strings]) => strings),
  );
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
