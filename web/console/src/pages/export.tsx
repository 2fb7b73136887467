/**
 * Export CSV of the table's current filters: the server runs it as a job (a year of rows does not
 * fit in one response); the page polls it and then offers the download (a short-lived signed URL).
 */
import { useEffect, useState } from 'react';
import type { ExportJob } from '../../../../shared/console-api/export.js';
import type { Filters } from '../../../../shared/console-api/verifications.js';
import { api, describeError } from '../api';

export function ExportButton({ filters }: { filters: Filters }) {
  const [job, setJob] = useState<ExportJob>();
  const [problem, setProblem] = useState<string>();
  const [busy, setBusy] = useState(false);
  const running = job && (job.status === 'queued' || job.status === 'running');

  useEffect(() => {
    if (!job || !running) return;
    const timer = setTimeout(() => {
      api.exportJob(job.exportId).then(setJob, (e: unknown) => setProblem(describeError(e)));
    }, 1000);
    return () => clearTimeout(timer);
  }, [job, running]);

  const start = async () => {
    setBusy(true);
    setProblem(undefined);
    setJob(undefined);
    try {
      setJob(await api.startExport(filters));
    } catch (e) {
      setProblem(describeError(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="export">
      <button type="button" onClick={start} disabled={busy || running}>
        Export CSV
      </button>
      <span role="status" aria-live="polite" className="small">
        {running ? 'Preparing the export…' : null}
        {job?.status === 'done' && job.downloadUrl ? (
          <a href={job.downloadUrl} download className="download">
            Download CSV ({job.rowCount ?? 0} {job.rowCount === 1 ? 'row' : 'rows'})
          </a>
        ) : null}
        {job?.status === 'failed' ? <span className="error-text">The export failed: {job.error}</span> : null}
        {problem ? <span className="error-text">{problem}</span> : null}
      </span>
    </div>
  );
}
