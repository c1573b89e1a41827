// Prometheus text rendering; see metrics.h.
#include "server/metrics.h"

#include <cstdio>

namespace whyd {
namespace {

const std::vector<double>& LatencyBounds() {
  static const std::vector<double> bounds = {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005,
                                             0.01,   0.025,   0.05,   0.1,   0.25,   0.5,
                                             1,      2.5,     5,      10};
  return bounds;
}

const std::vector<double>& ConfidenceBounds() {
  static const std::vector<double> bounds = {0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0};
  return bounds;
}

std::string FormatDouble(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.15g", v);
  return buf;
}

// Label values are escaped as the exposition format requires.
std::string Escape(const std::string& value) {
  std::string out;
  for (char c : value) {
    if (c == '\\') out += "\\\\";
    else if (c == '"') out += "\\\"";
    else if (c == '\n') out += "\\n";
    else out.push_back(c);
  }
  return out;
}

}  // namespace

void Metrics::Observe(Histogram& h, const std::vector<double>& bounds, double value) {
  if (h.buckets.empty()) h.buckets.assign(bounds.size(), 0);
  for (size_t i = 0; i < bounds.size(); ++i) {
    if (value <= bounds[i]) {
      ++h.buckets[i];
      break;
    }
  }
  ++h.count;
  h.sum += value;
}

void Metrics::ObserveRequest(std::string_view route, std::string_view method, int status, double seconds) {
  std::lock_guard<std::mutex> lock(mu_);
  const std::tuple<std::string_view, std::string_view, int> key{route, method, status};
  auto count = requests_.find(key);
  if (count == requests_.end()) {
    count = requests_.emplace(std::tuple<std::string, std::string, int>{route, method, status}, 0).first;
  }
  ++count->second;
  auto latency = latency_.find(route);
  if (latency == latency_.end()) latency = latency_.emplace(std::string(route), Histogram{}).first;
  Observe(latency->second, LatencyBounds(), seconds);
}

void Metrics::ObserveFinding(const std::string& cause) {
  std::lock_guard<std::mutex> lock(mu_);
  ++findings_[cause];
}

void Metrics::ObserveMatchConfidence(double confidence) {
  std::lock_guard<std::mutex> lock(mu_);
  Observe(confidence_, ConfidenceBounds(), confidence);
}

void Metrics::ObserveReload(bool ok) {
  std::lock_guard<std::mutex> lock(mu_);
  ++(ok ? reloads_ok_ : reloads_error_);
}

void Metrics::ObserveAuditDropped() {
  std::lock_guard<std::mutex> lock(mu_);
  ++audit_dropped_;
}

void Metrics::RenderHistogram(std::string& out, const std::string& name, const std::string& labels,
                              const Histogram& h, const std::vector<double>& bounds) {
  const std::string sep = labels.empty() ? "" : ",";
  uint64_t cumulative = 0;
  for (size_t i = 0; i < bounds.size(); ++i) {
    cumulative += h.buckets.empty() ? 0 : h.buckets[i];
    out += name + "_bucket{" + labels + sep + "le=\"" + FormatDouble(bounds[i]) + "\"} " +
           std::to_string(cumulative) + "\n";
  }
  out += name + "_bucket{" + labels + sep + "le=\"+Inf\"} " + std::to_string(h.count) + "\n";
  const std::string braces = labels.empty() ? "" : "{" + labels + "}";
  out += name + "_sum" + braces + " " + FormatDouble(h.sum) + "\n";
  out += name + "_count" + braces + " " + std::to_string(h.count) + "\n";
}

std::string Metrics::Render() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::string out;
  out += "# HELP whyd_http_requests_total HTTP requests answered, by route template, method and status.\n";
  out += "# TYPE whyd_http_requests_total counter\n";
  for (const auto& [key, count] : requests_) {
    const auto& [route, method, status] = key;
    out += "whyd_http_requests_total{route=\"" + Escape(route) + "\",method=\"" + Escape(method) +
           "\",status=\"" + std::to_string(status) + "\"} " + std::to_string(count) + "\n";
  }
  out += "# HELP whyd_http_request_duration_seconds Time from request parsed to response built.\n";
  out += "# TYPE whyd_http_request_duration_seconds histogram\n";
  for (const auto& [route, h] : latency_) {
    RenderHistogram(out, "whyd_http_request_duration_seconds", "route=\"" + Escape(route) + "\"", h,
                    LatencyBounds());
  }
  out += "# HELP whyd_findings_total Findings reported in answers, by cause code.\n";
  out += "# TYPE whyd_findings_total counter\n";
  for (const auto& [cause, count] : findings_) {
    out += "whyd_findings_total{cause=\"" + Escape(cause) + "\"} " + std::to_string(count) + "\n";
  }
  out += "# HELP whyd_match_confidence Confidence of the FAQ matched to a question.\n";
  out += "# TYPE whyd_match_confidence histogram\n";
  RenderHistogram(out, "whyd_match_confidence", "", confidence_, ConfidenceBounds());
  out += "# HELP whyd_reloads_total Reloads of the rules and config (SIGHUP or POST /v1/admin/reload), by result.\n";
  out += "# TYPE whyd_reloads_total counter\n";
  out += "whyd_reloads_total{result=\"ok\"} " + std::to_string(reloads_ok_) + "\n";
  out += "whyd_reloads_total{result=\"error\"} " + std::to_string(reloads_error_) + "\n";
  out += "# HELP whyd_audit_dropped_total Audit rows dropped because the writer fell behind.\n";
  out += "# TYPE whyd_audit_dropped_total counter\n";
  out += "whyd_audit_dropped_total " + std::to_string(audit_dropped_) + "\n";
  return out;
}

}  // namespace whyd
