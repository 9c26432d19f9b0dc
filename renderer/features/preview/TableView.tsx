import type { TableResult } from '../../../shared/contract/artifacts';

/** The first rows of a dataset, as parsed in main. */
export function TableView({ table }: { table: TableResult }) {
  return (
    <div className="preview-table-wrap">
      <p className="muted preview-note">
        <code>{table.path}</code> · {table.truncated ? `first ${table.rows.length} rows` : `${table.rows.length} rows`}
      </p>
      <div className="preview-table-scroll" tabIndex={0} role="region" aria-label={`Table ${table.path}`}>
        <table className="preview-table">
          <thead>
            <tr>
              {table.columns.map((c, i) => (
                <th key={i} scope="col">
                  {c}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {table.rows.map((r, i) => (
              <tr key={i}>
                {r.map((v, j) => (
                  <td key={j}>{v}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}
