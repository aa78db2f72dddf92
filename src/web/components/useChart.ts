import { type RefObject, useEffect, useRef } from 'react';

/**
 * Draws an echarts option into the returned element, redrawing when `key` changes and following the element's own
 * size (a window resize, a rotated phone, the menu opening), not only the window's.
 * `option` receives the page font so chart labels use the same (Vietnamese-complete) font as the text.
 */
export function useChart(option: (fontFamily: string) => object, key: string): RefObject<HTMLDivElement | null> {
  const ref = useRef<HTMLDivElement>(null);
  // biome-ignore lint/correctness/useExhaustiveDependencies: `key` stands for everything `option` draws.
  useEffect(() => {
    let chart: { dispose(): void; resize(): void } | undefined;
    let gone = false;
    const sized = new ResizeObserver(() => chart?.resize());
    void import('../lib/echarts.ts').then(({ echarts }) => {
      if (gone || !ref.current) return;
      const c = echarts.init(ref.current);
      c.setOption({ animation: false, ...option(getComputedStyle(ref.current).fontFamily) });
      chart = c;
      sized.observe(ref.current);
    });
    return () => {
      gone = true;
      sized.disconnect();
      chart?.dispose();
    };
  }, [key]);
  return ref;
}
