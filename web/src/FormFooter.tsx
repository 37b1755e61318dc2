/** The end of a dialog's form: errors that name no field, then Cancel and the submit button. */
export function FormFooter({ other, onCancel, busy, label, busyLabel }: { other: string[]; onCancel: () => void; busy: boolean; label: string; busyLabel: string }) {
  return (
    <>
      {other.map((message) => (
        <p key={message} className="error" role="alert">
          {message}
        </p>
      ))}
      <div className="actions">
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
        <button type="submit" className="primary" disabled={busy}>
          {busy ? busyLabel : label}
        </button>
      </div>
    </>
  );
}
