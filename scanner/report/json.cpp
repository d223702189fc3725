// The json report (one document, SPEC §5) and the streaming jsonl report, over the same finding object.
#include "scanner/report/json_common.hpp"
#include "scanner/report/writers.hpp"

namespace dtscan {

using nlohmann::ordered_json;

void write_json(std::ostream& out, const Report& report, const ReportContext& ctx) {
  ordered_json doc;
  doc["schema"] = "dtscan/report/v1";
  doc["tool"] = ordered_json{{"name", "dtscan"}, {"version", ctx.version}};
  ordered_json findings = ordered_json::array();
  for (const Finding& f : report.findings)
    findings.push_back(finding_to_json(f, ctx.show_secrets));
  doc["findings"] = std::move(findings);
  doc["summary"] = summary_to_json(report.summary);
  out << dump_json(doc, 2) << '\n';
}

// Flushed per line: a bulk audit's consumer sees each finding as soon as it is found.
void JsonlWriter::finding(const Finding& f) {
  m_out << dump_json(finding_to_json(f, m_ctx.show_secrets)) << '\n';
  m_out.flush();
}

void JsonlWriter::finish(const Summary& s) {
  ordered_json line;
  line["summary"] = summary_to_json(s);
  m_out << dump_json(line) << '\n';
  m_out.flush();
}

} // namespace dtscan
