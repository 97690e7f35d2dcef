// Package beian is the domain of Beian, the enterprise-side ICP filing system
// (企业侧备案系统) an access provider runs so that its customers can file their
// websites and apps with MIIT.
//
// This package holds the words an access provider's staff use — subjects
// (主体), responsible persons (负责人), websites and apps, domains, access
// records (接入), orders (备案订单) and their states, filed records (备案信息),
// ICP numbers, audit events — and the interfaces the adapters implement
// (storage, jobs, clock). It imports nothing of the application and does no
// I/O: the rule catalogue lives in package rules, the database in sqlstore,
// the bureau in miit, and cmd/beian wires them together.
//
// An order changes state only through [Transition], which encodes the state
// table of the domain specification (§4.6). Errors that reach users are
// [*Error] values with a stable code and a message key that the web layer
// translates (zh-CN first, en second).
package beian
