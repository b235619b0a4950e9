// SPDX-License-Identifier: Apache-2.0
// The Node binding: a Probe object over probe_ctl. JS values are copied into plain structs at the
// entry; every call but writeFile is synchronous and short (draining copies records that are
// already in memory). writeFile runs the capture-to-file loop on a thread of its own, so a plain
// `quarry -w` spends no JavaScript, timers or V8 compilation per batch; it touches no N-API off the
// main thread (the result comes back through a thread-safe function).
#include <napi.h>
#include <pthread.h>

#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "probe_ctl.h"

namespace {

class Probe : public Napi::ObjectWrap<Probe> {
public:
	static Napi::Function Init(Napi::Env env)
	{
		return DefineClass(env, "Probe",
				   {InstanceMethod("start", &Probe::Start), InstanceMethod("stop", &Probe::Stop),
				    InstanceMethod("stats", &Probe::Stats), InstanceMethod("drain", &Probe::Drain),
				    InstanceMethod("drainBlocks", &Probe::DrainBlocks),
				    InstanceMethod("writeFile", &Probe::WriteFile),
				    InstanceMethod("close", &Probe::Close), InstanceMethod("onlyTgid", &Probe::OnlyTgid)});
	}

	// new Probe({snaplen, debug, ringBytes, captureSwitch, fastPaths, syscalls?: Uint8Array(512)})
	Probe(const Napi::CallbackInfo &info) : Napi::ObjectWrap<Probe>(info)
	{
		Napi::Env env = info.Env();
		Napi::Object o = info.Length() > 0 && info[0].IsObject() ? info[0].As<Napi::Object>() : Napi::Object::New(env);
		struct qp_opts opts{};
		auto num = [&](const char *k, double def) {
			Napi::Value v = o.Get(k);
			return v.IsNumber() ? v.As<Napi::Number>().DoubleValue() : def;
		};
		auto flag = [&](const char *k, bool def) {
			Napi::Value v = o.Get(k);
			return v.IsBoolean() ? v.As<Napi::Boolean>().Value() : def;
		};
		opts.snaplen = (uint32_t)num("snaplen", 80);
		opts.debug = flag("debug", false);
		opts.ring_bytes = (uint64_t)num("ringBytes", 0);
		opts.capture_switch = flag("captureSwitch", true);
		opts.no_fast_paths = !flag("fastPaths", true);
		std::vector<uint8_t> mask;
		if (o.Has("syscalls") && o.Get("syscalls").IsTypedArray()) {
			Napi::Uint8Array a = o.Get("syscalls").As<Napi::Uint8Array>();
			mask.assign(512, 0);
			for (size_t i = 0; i < a.ElementLength() && i < 512; i++)
				mask[i] = a[i];
			opts.syscalls = mask.data();
		}
		char err[512] = "";
		int r = qp_open(&p_, &opts, err, sizeof(err));
		if (r) {
			Napi::Error e = Napi::Error::New(env, err[0] ? err : "cannot open the probe");
			e.Set("errno", Napi::Number::New(env, -r));
			e.ThrowAsJavaScriptException();
		}
	}

	~Probe()
	{
		JoinWriter();
		qp_close(p_);
	}

private:
	qp *p_ = nullptr;
	std::thread writer_;

	/* A writeFile in flight: its promise, resolved on the main thread once the loop returns. */
	struct WriteJob {
		Napi::Promise::Deferred deferred;
		Napi::ThreadSafeFunction done;
		struct qp_write_result res;
	};

	/* Ends the capture and waits for the writer thread (it drains what is left, then returns). */
	void JoinWriter()
	{
		if (!writer_.joinable())
			return;
		qp_stop(p_);
		writer_.join();
	}

	bool Check(const Napi::CallbackInfo &info)
	{
		if (!p_) {
			Napi::Error::New(info.Env(), "probe is closed").ThrowAsJavaScriptException();
			return false;
		}
		return true;
	}

	/* Check, and that writeFile was not called: from then on (until close) its thread is the rings'
	 * reader, and two readers would corrupt them. */
	bool CheckReader(const Napi::CallbackInfo &info)
	{
		if (!Check(info))
			return false;
		if (writer_.joinable()) {
			Napi::Error::New(info.Env(), "the probe's rings are read by writeFile").ThrowAsJavaScriptException();
			return false;
		}
		return true;
	}

	Napi::Value Start(const Napi::CallbackInfo &info)
	{
		if (Check(info))
			qp_start(p_);
		return info.Env().Undefined();
	}

	Napi::Value Stop(const Napi::CallbackInfo &info)
	{
		if (Check(info))
			qp_stop(p_);
		return info.Env().Undefined();
	}

	// {events, drops, perCpuEvents[], perCpuDrops[], dropsSize, dropsCompat, fastEvents}
	Napi::Value Stats(const Napi::CallbackInfo &info)
	{
		Napi::Env env = info.Env();
		if (!Check(info))
			return env.Undefined();
		static struct qp_stats st;
		int r = qp_stats(p_, &st);
		if (r) {
			Napi::Error::New(env, "cannot read the probe counters").ThrowAsJavaScriptException();
			return env.Undefined();
		}
		Napi::Object o = Napi::Object::New(env);
		o.Set("events", Napi::Number::New(env, (double)st.events));
		o.Set("drops", Napi::Number::New(env, (double)st.drops));
		o.Set("dropsSize", Napi::Number::New(env, (double)st.drops_size));
		o.Set("dropsCompat", Napi::Number::New(env, (double)st.drops_compat));
		o.Set("fastEvents", Napi::Number::New(env, (double)st.fast_events));
		Napi::Array ev = Napi::Array::New(env, st.ncpus), dr = Napi::Array::New(env, st.ncpus);
		for (uint32_t i = 0; i < st.ncpus; i++) {
			ev.Set(i, Napi::Number::New(env, (double)st.per_cpu_events[i]));
			dr.Set(i, Napi::Number::New(env, (double)st.per_cpu_drops[i]));
		}
		o.Set("perCpuEvents", ev);
		o.Set("perCpuDrops", dr);
		return o;
	}

	// drain(buf: Uint8Array, maxEvents?: number, cpus?: Uint16Array) -> [bytes, events]
	Napi::Value Drain(const Napi::CallbackInfo &info)
	{
		Napi::Env env = info.Env();
		if (!CheckReader(info))
			return env.Undefined();
		if (info.Length() < 1 || !info[0].IsTypedArray()) {
			Napi::TypeError::New(env, "drain needs a Uint8Array").ThrowAsJavaScriptException();
			return env.Undefined();
		}
		Napi::Uint8Array buf = info[0].As<Napi::Uint8Array>();
		uint32_t max = info.Length() > 1 && info[1].IsNumber() ? info[1].As<Napi::Number>().Uint32Value() : 0xffffffffu;
		uint16_t *cpus = nullptr;
		if (info.Length() > 2 && info[2].IsTypedArray()) {
			Napi::TypedArray t = info[2].As<Napi::TypedArray>();
			if (t.TypedArrayType() == napi_uint16_array) {
				Napi::Uint16Array c = t.As<Napi::Uint16Array>();
				cpus = c.Data();
				if (max > c.ElementLength())
					max = (uint32_t)c.ElementLength();
			}
		}
		uint32_t n = 0;
		long got = qp_drain(p_, buf.Data(), buf.ByteLength(), max, cpus, &n);
		Napi::Array res = Napi::Array::New(env, 2);
		res.Set(0u, Napi::Number::New(env, (double)got));
		res.Set(1u, Napi::Number::New(env, n));
		return res;
	}

	// drainBlocks(buf: Uint8Array, maxEvents?: number) -> [bytes, events]: events framed as scap
	// EV_V2 blocks, ready to append to a capture file.
	Napi::Value DrainBlocks(const Napi::CallbackInfo &info)
	{
		Napi::Env env = info.Env();
		if (!CheckReader(info))
			return env.Undefined();
		if (info.Length() < 1 || !info[0].IsTypedArray()) {
			Napi::TypeError::New(env, "drainBlocks needs a Uint8Array").ThrowAsJavaScriptException();
			return env.Undefined();
		}
		Napi::Uint8Array buf = info[0].As<Napi::Uint8Array>();
		uint32_t max = info.Length() > 1 && info[1].IsNumber() ? info[1].As<Napi::Number>().Uint32Value() : 0xffffffffu;
		uint32_t n = 0;
		long got = qp_drain_blocks(p_, buf.Data(), buf.ByteLength(), max, &n);
		Napi::Array res = Napi::Array::New(env, 2);
		res.Set(0u, Napi::Number::New(env, (double)got));
		res.Set(1u, Napi::Number::New(env, n));
		return res;
	}

	// writeFile(fd, maxEvents, bufBytes) -> Promise<[events, bytes]>: appends every event as an
	// EV_V2 block to fd until stop() and the rings are empty, or maxEvents (0 = no limit) were
	// written. Rejects with the errno of a failed write.
	Napi::Value WriteFile(const Napi::CallbackInfo &info)
	{
		Napi::Env env = info.Env();
		if (!CheckReader(info))
			return env.Undefined();
		if (info.Length() < 3 || !info[0].IsNumber() || !info[1].IsNumber() || !info[2].IsNumber()) {
			Napi::TypeError::New(env, "writeFile needs fd, maxEvents and bufBytes").ThrowAsJavaScriptException();
			return env.Undefined();
		}
		int fd = info[0].As<Napi::Number>().Int32Value();
		uint64_t max = (uint64_t)info[1].As<Napi::Number>().DoubleValue();
		size_t bytes = (size_t)info[2].As<Napi::Number>().DoubleValue();
		auto *job = new WriteJob{Napi::Promise::Deferred::New(env), {}, {}};
		// the function only keeps the event loop alive until the result is delivered
		job->done = Napi::ThreadSafeFunction::New(env, Napi::Function::New(env, [](const Napi::CallbackInfo &) {}),
							  "quarry-writer", 0, 1);
		Napi::Promise promise = job->deferred.Promise();
		qp *p = p_;
		writer_ = std::thread([p, fd, max, bytes, job]() {
			pthread_setname_np(pthread_self(), "quarry-writer"); // as top -H and perf show it
			qp_write_loop(p, fd, max, bytes, &job->res);
			Napi::ThreadSafeFunction done = job->done;
			done.BlockingCall(job, [](Napi::Env env, Napi::Function, WriteJob *j) {
				if (!env) { // the environment is going away: nobody waits for the promise
					delete j;
					return;
				}
				if (j->res.err) {
					Napi::Error e = Napi::Error::New(env, strerror(j->res.err));
					e.Set("errno", Napi::Number::New(env, j->res.err));
					j->deferred.Reject(e.Value());
				} else {
					Napi::Array r = Napi::Array::New(env, 2);
					r.Set(0u, Napi::Number::New(env, (double)j->res.events));
					r.Set(1u, Napi::Number::New(env, (double)j->res.bytes));
					j->deferred.Resolve(r);
				}
				delete j;
			});
			done.Release();
		});
		return promise;
	}

	Napi::Value OnlyTgid(const Napi::CallbackInfo &info)
	{
		if (Check(info))
			qp_only_tgid(p_, info.Length() > 0 && info[0].IsNumber() ? info[0].As<Napi::Number>().Uint32Value() : 0);
		return info.Env().Undefined();
	}

	Napi::Value Close(const Napi::CallbackInfo &info)
	{
		JoinWriter();
		qp_close(p_);
		p_ = nullptr;
		return info.Env().Undefined();
	}
};

Napi::Object InitModule(Napi::Env env, Napi::Object exports)
{
	exports.Set("Probe", Probe::Init(env));
	return exports;
}

} // namespace

NODE_API_MODULE(quarry_probe, InitModule)
