import { useEffect, useRef } from 'react';

type Props = { labels: string[]; values: number[]; label: string };

/** A horizontal bar chart; the numbers it shows must also be on the page as text (screen readers, tests). */
export function BarChart({ labels, values, label }: Props) {
  const ref = useRef<HTMLDivElement>(null);
  const key = JSON.stringify([labels, values]);
  // biome-ignore lint/correctness/useExhaustiveDependencies: `key` stands for the contents of labels and values.
  useEffect(() => {
    let chart: { dispose(): void; resize(): void } | undefined;
    let gone = false;
    const resize = () => chart?.resize();
    void import('../lib/echarts.ts').then(({ echarts }) => {
      if (gone || !ref.current) return;
      const c = echarts.init(ref.current);
      c.setOption({
        animation: false,
        textStyle: { fontFamily: getComputedStyle(ref.current).fontFamily },
        grid: { left: 8, right: 24, top: 8, bottom: 8, containLabel: true },
        tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
        xAxis: { type: 'value', minInterval: 1 },
        yAxis: { type: 'category', data: [...labels].reverse() },
        series: [{ type: 'bar', data: [...values].reverse(), itemStyle: { color: '#1f5fa8' }, barMaxWidth: 18 }],
      });
      chart = c;
      window.addEventListener('resize', resize);
    });
    return () => {
      gone = true;
      window.removeEventListener('resize', resize);
      chart?.dispose();
    };
  }, [key]);
  return <div ref={ref} className="chart" role="img" aria-label={label} style={{ height: 40 + labels.length * 30 }} />;
}
