// The OpenAPI document; see openapi.h. Kept as literal JSON so it reads like
// the document clients download.
#include "server/openapi.h"

namespace whyd {

static constexpr std::string_view kDocument = R"json({
  "openapi": "3.0.3",
  "info": {
    "title": "whyd",
    "version": "0.1.0",
    "description": "Answers the 'why' questions of a help centre: matches a question to an FAQ, diagnoses the tenant's account state with that FAQ's rules and explains the causes found. Every error is application/problem+json (RFC 9457)."
  },
  "components": {
    "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer", "description": "An API key of one tenant, with scopes ask, triage, ingest, admin."},
      "operator": {"type": "http", "scheme": "bearer", "description": "An operator key (the config's operators: list; whyd key new --operator). It belongs to no tenant and may only reload."}},
    "parameters": {
      "tenant": {"name": "tenant", "in": "path", "required": true, "schema": {"type": "string", "pattern": "^[A-Za-z0-9._-]{1,64}$"}},
      "requestId": {"name": "X-Request-Id", "in": "header", "required": false, "description": "Echoed in the response and logged; a W3C traceparent is used when absent.", "schema": {"type": "string"}}
    },
    "schemas": {
      "Problem": {
        "type": "object", "required": ["type", "title", "status", "detail"],
        "properties": {
          "type": {"type": "string"}, "title": {"type": "string"}, "status": {"type": "integer"},
          "detail": {"type": "string"},
          "errors": {"type": "array", "items": {"type": "object", "required": ["path", "reason"],
            "properties": {"path": {"type": "string", "description": "JSON Pointer into the request body"}, "reason": {"type": "string"}}}}
        }
      },
      "AskRequest": {
        "type": "object", "required": ["asker"], "additionalProperties": false,
        "properties": {
          "question": {"type": "string", "maxLength": 4000, "description": "Free text; optional when faq is given."},
          "faq": {"type": "string", "description": "Skip question matching and answer this FAQ."},
          "asker": {"type": "string", "description": "User id of the person on whose behalf the client asks."},
          "subject": {"type": "object", "additionalProperties": false, "properties": {
            "user": {"type": "string"}, "other_user": {"type": "string"}, "email": {"type": "string"}}},
          "attachment": {"type": "object", "additionalProperties": false, "properties": {
            "csv": {"type": "string"}, "api_request": {"type": "object"}}},
          "as_of": {"type": "string", "format": "date-time"}
        }
      },
      "FaqRef": {"type": "object", "properties": {"id": {"type": "string"}, "title": {"type": "string"}, "confidence": {"type": "number"}}},
      "Finding": {
        "type": "object",
        "properties": {
          "rule": {"type": "string"}, "cause": {"type": "string"},
          "severity": {"type": "string", "enum": ["blocking", "warning", "info"]},
          "explanation": {"type": "string"},
          "evidence": {"type": "array", "items": {"type": "object", "properties": {"fact": {"type": "string"}, "value": {}}}},
          "remediation": {"type": "array", "items": {"type": "object", "properties": {
            "actor": {"type": "string", "enum": ["learner", "employer", "admin", "support"]}, "step": {"type": "string"}}}}
        }
      },
      "Answer": {
        "type": "object",
        "properties": {
          "faq": {"nullable": true, "allOf": [{"$ref": "#/components/schemas/FaqRef"}]},
          "alternatives": {"type": "array", "items": {"$ref": "#/components/schemas/FaqRef"}},
          "subject": {"type": "object"},
          "findings": {"type": "array", "items": {"$ref": "#/components/schemas/Finding"}},
          "checked": {"type": "array", "items": {"type": "object", "properties": {"rule": {"type": "string"}, "cause": {"type": "string"}, "because": {"type": "string"}}}},
          "answer": {"type": "string", "description": "Markdown"},
          "needs": {"type": "array", "items": {"type": "string", "enum": ["subject", "other_user", "email", "csv", "api_request"]}}
        }
      },
      "TriageRequest": {
        "type": "object", "required": ["body", "requester"], "additionalProperties": false,
        "properties": {"subject": {"type": "string"}, "body": {"type": "string"}, "requester": {"type": "string"}, "as_of": {"type": "string"}}
      },
      "TriageAnswer": {
        "allOf": [{"$ref": "#/components/schemas/Answer"}, {"type": "object", "properties": {
          "category": {"type": "string"}, "priority": {"type": "string", "enum": ["low", "normal", "high", "urgent"]},
          "tags": {"type": "array", "items": {"type": "string"}}, "suggested_reply": {"type": "string"}}}]
      },
      "Counts": {"type": "object", "additionalProperties": {"type": "integer"}}
    },
    "responses": {
      "Problem": {"description": "An error (RFC 9457)", "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}}
    }
  },
  "security": [{"bearer": []}],
  "paths": {
    "/": {"get": {"summary": "The self-service page", "security": [], "responses": {"200": {"description": "HTML", "content": {"text/html": {}}}}}},
    "/app.js": {"get": {"summary": "Script of the self-service page", "security": [], "responses": {"200": {"description": "JavaScript", "content": {"text/javascript": {}}}}}},
    "/style.css": {"get": {"summary": "Style sheet of the self-service page", "security": [], "responses": {"200": {"description": "CSS", "content": {"text/css": {}}}}}},
    "/healthz": {"get": {"summary": "The process is up", "security": [], "responses": {"200": {"description": "Up"}}}},
    "/readyz": {"get": {"summary": "Rules and store are loaded", "security": [], "responses": {"200": {"description": "Ready"}, "503": {"$ref": "#/components/responses/Problem"}}}},
    "/metrics": {"get": {"summary": "Prometheus metrics", "security": [], "responses": {"200": {"description": "Text exposition format 0.0.4", "content": {"text/plain": {}}}}}},
    "/openapi.json": {"get": {"summary": "This document", "security": [], "responses": {"200": {"description": "OpenAPI 3", "content": {"application/json": {}}}}}},
    "/v1/faqs": {"get": {"summary": "Every FAQ the rules answer", "responses": {
      "200": {"description": "FAQs", "content": {"application/json": {}}}, "401": {"$ref": "#/components/responses/Problem"}}}},
    "/v1/faqs/{id}": {"get": {"summary": "One FAQ: title, answer, the causes it can report",
      "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}],
      "responses": {"200": {"description": "The FAQ", "content": {"application/json": {}}}, "401": {"$ref": "#/components/responses/Problem"}, "404": {"$ref": "#/components/responses/Problem"}}}},
    "/v1/tenants/{tenant}/ask": {"post": {"summary": "Answer a question for an asker (scope ask)",
      "parameters": [{"$ref": "#/components/parameters/tenant"}, {"$ref": "#/components/parameters/requestId"}],
      "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/AskRequest"}}}},
      "responses": {"200": {"description": "The answer", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Answer"}}}},
        "400": {"$ref": "#/components/responses/Problem"}, "401": {"$ref": "#/components/responses/Problem"}, "403": {"$ref": "#/components/responses/Problem"},
        "404": {"$ref": "#/components/responses/Problem"}, "413": {"$ref": "#/components/responses/Problem"}, "415": {"$ref": "#/components/responses/Problem"}, "422": {"$ref": "#/components/responses/Problem"}}}},
    "/v1/tenants/{tenant}/triage": {"post": {"summary": "Triage a support ticket (scope triage). A repeated Idempotency-Key or X-Delivery-Id replays the first answer.",
      "parameters": [{"$ref": "#/components/parameters/tenant"}, {"$ref": "#/components/parameters/requestId"},
        {"name": "Idempotency-Key", "in": "header", "required": false, "schema": {"type": "string"}},
        {"name": "X-Delivery-Id", "in": "header", "required": false, "schema": {"type": "string"}}],
      "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/TriageRequest"}}}},
      "responses": {"200": {"description": "The triage", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/TriageAnswer"}}}},
        "400": {"$ref": "#/components/responses/Problem"}, "401": {"$ref": "#/components/responses/Problem"}, "403": {"$ref": "#/components/responses/Problem"},
        "413": {"$ref": "#/components/responses/Problem"}, "415": {"$ref": "#/components/responses/Problem"}, "422": {"$ref": "#/components/responses/Problem"}}}},
    "/v1/tenants/{tenant}/snapshot": {"put": {"summary": "Replace the tenant's account state, all or nothing (scope ingest)",
      "parameters": [{"$ref": "#/components/parameters/tenant"}],
      "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object"}}}},
      "responses": {"200": {"description": "Counts applied", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Counts"}}}},
        "400": {"$ref": "#/components/responses/Problem"}, "401": {"$ref": "#/components/responses/Problem"}, "403": {"$ref": "#/components/responses/Problem"},
        "413": {"$ref": "#/components/responses/Problem"}, "415": {"$ref": "#/components/responses/Problem"}, "422": {"$ref": "#/components/responses/Problem"}}}},
    "/v1/tenants/{tenant}/records": {"post": {"summary": "Upsert and delete records, all or nothing (scope ingest)",
      "parameters": [{"$ref": "#/components/parameters/tenant"}],
      "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "properties": {"upsert": {"type": "object"}, "delete": {"type": "object"}}}}}},
      "responses": {"200": {"description": "Counts applied", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Counts"}}}},
        "400": {"$ref": "#/components/responses/Problem"}, "401": {"$ref": "#/components/responses/Problem"}, "403": {"$ref": "#/components/responses/Problem"},
        "413": {"$ref": "#/components/responses/Problem"}, "415": {"$ref": "#/components/responses/Problem"}, "422": {"$ref": "#/components/responses/Problem"}}}},
    "/v1/tenants/{tenant}/demo/users": {"get": {"summary": "Demo mode only: users the self-service page offers as 'who are you' (scope ask)",
      "parameters": [{"$ref": "#/components/parameters/tenant"}],
      "responses": {"200": {"description": "Users", "content": {"application/json": {}}}, "401": {"$ref": "#/components/responses/Problem"},
        "403": {"$ref": "#/components/responses/Problem"}, "404": {"$ref": "#/components/responses/Problem"}}}},
    "/v1/admin/reload": {"post": {"summary": "Compile the rule packs and read the config file again, then swap both in; when either fails nothing changes, the previous rules and keys keep serving and the errors are listed (operator key; a tenant key, even with scope admin, gets 403)",
      "security": [{"operator": []}],
      "responses": {"200": {"description": "What was reloaded", "content": {"application/json": {"schema": {"type": "object", "required": ["reloaded", "rules"],
          "properties": {"reloaded": {"type": "array", "items": {"type": "string", "enum": ["rules", "config"]}},
            "rules": {"type": "object", "description": "counts of the rule set now serving"},
            "config": {"type": "object", "description": "present when the server runs with --config",
              "properties": {"tenants": {"type": "integer"}, "keys": {"type": "integer"}, "operators": {"type": "integer"},
                "restart_needed": {"type": "array", "items": {"type": "string"}, "description": "settings that take effect at the next start (audit)"}}}}}}}},
        "401": {"$ref": "#/components/responses/Problem"}, "403": {"$ref": "#/components/responses/Problem"},
        "422": {"description": "The config or a rule pack did not load; errors[] names the place (file:line:column) and the reason", "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}}}}}
  }
})json";

std::string_view OpenApiDocument() { return kDocument; }

}  // namespace whyd
