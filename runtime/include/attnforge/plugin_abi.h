/* attnforge plugin ABI: the only thing a plugin and the runtime share.
 *
 * A plugin is a shared library exporting one C function, attnforge_plugin_entry,
 * that returns a pointer to a static af_plugin table. The runtime checks
 * abi_major first: a different major is an error; a newer minor may only add
 * fields at the end of structs, so an older runtime reads what it knows.
 *
 * C only, fixed-width types, no ownership crosses the boundary: every string
 * and array in the table lives as long as the plugin stays loaded.
 */
#ifndef ATTNFORGE_PLUGIN_ABI_H
#define ATTNFORGE_PLUGIN_ABI_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define AF_ABI_MAJOR 1
#define AF_ABI_MINOR 0
#define AF_PLUGIN_ENTRY_SYMBOL "attnforge_plugin_entry"
#define AF_MAX_RANK 4

typedef enum af_status {
  AF_OK = 0,
  AF_ERROR_INVALID_ARGUMENT = 1, /* the call's inputs break the variant's contract */
  AF_ERROR_UNSUPPORTED = 2,      /* valid inputs this variant cannot handle */
  AF_ERROR_RUNTIME = 3           /* the kernel itself failed (allocation, device) */
} af_status;

typedef enum af_dtype {
  AF_DTYPE_F32 = 1,
  AF_DTYPE_F16 = 2,
  AF_DTYPE_BF16 = 3,
  AF_DTYPE_I32 = 4,
  AF_DTYPE_U8 = 5 /* booleans: 0 false, anything else true */
} af_dtype;

typedef enum af_device { AF_DEVICE_CPU = 1, AF_DEVICE_CUDA = 2 } af_device;

/* CPU features a variant may require; the runtime compares them with cpuid. */
typedef enum af_cpu_feature {
  AF_CPU_SSE41 = 1u << 0,
  AF_CPU_AVX = 1u << 1,
  AF_CPU_AVX2 = 1u << 2,
  AF_CPU_FMA = 1u << 3,
  AF_CPU_F16C = 1u << 4,
  AF_CPU_AVX512F = 1u << 5,
  AF_CPU_AVX512CD = 1u << 6,
  AF_CPU_AVX512BW = 1u << 7,
  AF_CPU_AVX512DQ = 1u << 8,
  AF_CPU_AVX512VL = 1u << 9
} af_cpu_feature;

/* A strided view of caller-owned memory. Strides count elements, not bytes.
 * data == NULL marks an optional tensor the caller did not pass. */
typedef struct af_tensor {
  void *data;
  int32_t dtype;  /* af_dtype */
  int32_t device; /* af_device */
  int32_t rank;
  int32_t reserved;
  int64_t shape[AF_MAX_RANK];
  int64_t strides[AF_MAX_RANK];
} af_tensor;

/* How one tensor argument must look. `shape` names each dimension with a
 * symbol ("B,Hq,Nq,D"); the runtime binds each symbol on first sight and
 * requires every later use to agree, so plugins declare shape relations as
 * data instead of code. Integer tensors may bound their values by a symbol
 * (`values_at_most`, e.g. "Nk" for key lengths). */
typedef struct af_tensor_spec {
  const char *name;
  int32_t dtype; /* af_dtype; the variant's dtype for q, k, v, out */
  int32_t optional;
  const char *shape;
  const char *values_at_most; /* NULL when values are not bounded */
  const char *help;
} af_tensor_spec;

typedef enum af_param_kind { AF_PARAM_BOOL = 1, AF_PARAM_INT = 2, AF_PARAM_FLOAT = 3 } af_param_kind;

/* A scalar parameter. The runtime fills in defaults and rejects values outside
 * [min_value, max_value] (and non-integers for BOOL and INT) before any run.
 * A NaN default means "derived by the kernel" (help says how). */
typedef struct af_param_spec {
  const char *name;
  int32_t kind; /* af_param_kind */
  double default_value;
  double min_value;
  double max_value;
  const char *help;
} af_param_spec;

/* One validated call. tensors[] follow the variant's tensor specs in order;
 * params[] follow its param specs in order, defaults already filled in. */
typedef struct af_call {
  const af_tensor *tensors;
  int32_t tensor_count;
  const double *params;
  int32_t param_count;
  void *stream; /* CUDA stream for device variants, NULL for the default */
} af_call;

/* Both return af_status and, on failure, a message in `message`. `check`
 * (may be NULL) holds the family's own contract checks; it runs before `run`
 * and must not write to any tensor. */
typedef int32_t (*af_check_fn)(const af_call *call, char *message, size_t message_capacity);
typedef int32_t (*af_run_fn)(const af_call *call, char *message, size_t message_capacity);

typedef struct af_variant {
  const char *id;     /* kernel:dtype:dN[:tag]:target, e.g. full:f32:d64:x86-64-avx512 */
  const char *kernel; /* the name users ask for: "full" */
  int32_t dtype;      /* af_dtype of q, k, v and out */
  int32_t head_dim;   /* D this variant is specialised for; 0 = any */
  int32_t value_dim;  /* Dv likewise; 0 = any */
  int32_t device;     /* af_device */
  const char *target; /* x86-64-avx512, x86-64-avx2, x86-64, cuda, ... */
  uint64_t required_cpu_features; /* af_cpu_feature bits */
  int32_t priority;   /* among usable variants that fit, the highest wins */
  const af_tensor_spec *tensors;
  int32_t tensor_count;
  const af_param_spec *params;
  int32_t param_count;
  af_check_fn check;
  af_run_fn run;
} af_variant;

typedef struct af_plugin {
  uint32_t abi_major;
  uint32_t abi_minor;
  const char *name;
  const char *version;
  const af_variant *variants;
  int32_t variant_count;
} af_plugin;

typedef const af_plugin *(*af_plugin_entry_fn)(void);

#ifdef __cplusplus
}
#endif

#endif /* ATTNFORGE_PLUGIN_ABI_H */
