// SPDX-License-Identifier: Apache-2.0
// The Node binding: a Probe object over probe_ctl. JS values are copied into plain structs at the
// entry; every call is synchronous and short (draining copies records that are already in memory),
// so no worker thread is needed and nothing touches N-API off the main thread.
#include <napi.h>

#include <string>
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

	~Probe() { qp_close(p_); }

private:
	qp *p_ = nullptr;

	bool Check(const Napi::CallbackInfo &info)
	{
		if (!p_) {
			Napi::Error::New(info.Env(), "probe is closed").ThrowAsJavaScriptException();
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
		if (!Check(info))
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
		if (!Check(info))
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

	Napi::Value OnlyTgid(const Napi::CallbackInfo &info)
	{
		if (Check(info))
			qp_only_tgid(p_, info.Length() > 0 && info[0].IsNumber() ? info[0].As<Napi::Number>().Uint32Value() : 0);
		return info.Env().Undefined();
	}

	Napi::Value Close(const Napi::CallbackInfo &info)
	{
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
