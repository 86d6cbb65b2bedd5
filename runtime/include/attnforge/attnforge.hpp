// attnforge: attention kernels forged at build time. Include this header.
#pragma once

#include "attnforge/error.hpp"
#include "attnforge/registry.hpp"
#include "attnforge/tensor.hpp"
