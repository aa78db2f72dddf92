import { cloneElement, type ReactElement, useId } from 'react';

type Control = ReactElement<{ id?: string; 'aria-describedby'?: string }>;

/** A labelled form control: the label and the hint are tied to the control by id (accessible name, description). */
export function Field({ label, hint, children }: { label: string; hint?: string; children: Control }) {
  const id = useId();
  return (
    <div className="field">
      <label className="field-label" htmlFor={id}>
        {label}
      </label>
      {cloneElement(children, { id, 'aria-describedby': hint ? `${id}-hint` : undefined })}
      {hint && (
        <small className="field-hint" id={`${id}-hint`}>
          {hint}
        </small>
      )}
    </div>
  );
}
