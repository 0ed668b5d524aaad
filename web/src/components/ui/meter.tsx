/** How much of a budget is spent: a native meter (announced by screen readers), full at the limit. */
export function Meter({
  label,
  fraction,
  className,
}: {
  label: string;
  fraction: number;
  className?: string;
}) {
  return (
    <meter
      aria-label={label}
      className={`block h-2 w-full ${className ?? ''}`}
      min={0}
      max={1}
      low={0.8}
      high={0.95}
      optimum={0}
      value={Math.min(1, Math.max(0, fraction))}
    />
  );
}
