#include "fixtures.h"

#include <hdf5.h>
#include <sys/stat.h>

#include <stdexcept>

namespace pollux::test {
namespace {

bool is_dir(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

template <typename T>
std::vector<T> read_dataset(hid_t file, const std::string& path, const std::string& name, hid_t mem_type) {
  hid_t ds = H5Dopen2(file, name.c_str(), H5P_DEFAULT);
  if (ds < 0) throw std::runtime_error(path + ": no dataset " + name);
  hid_t space = H5Dget_space(ds);
  std::vector<T> out(std::size_t(H5Sget_simple_extent_npoints(space)));
  herr_t status = H5Dread(ds, mem_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, out.data());
  H5Sclose(space);
  H5Dclose(ds);
  if (status < 0) throw std::runtime_error(path + ": cannot read " + name);
  return out;
}

template <typename T>
std::vector<T> read_attribute(hid_t file, const std::string& path, const std::string& object, const std::string& name,
                              hid_t mem_type) {
  hid_t attr = H5Aopen_by_name(file, object.c_str(), name.c_str(), H5P_DEFAULT, H5P_DEFAULT);
  if (attr < 0) throw std::runtime_error(path + ": no attribute " + object + "@" + name);
  hid_t space = H5Aget_space(attr);
  std::vector<T> out(std::size_t(std::max<hssize_t>(1, H5Sget_simple_extent_npoints(space))));
  herr_t status = H5Aread(attr, mem_type, out.data());
  H5Sclose(space);
  H5Aclose(attr);
  if (status < 0) throw std::runtime_error(path + ": cannot read " + object + "@" + name);
  return out;
}

}  // namespace

std::string shared_dir() {
#ifdef POLLUX_SHARED_DIR
  if (is_dir(POLLUX_SHARED_DIR)) return POLLUX_SHARED_DIR;
#endif
  return "";
}

std::string reference_dir() {
  const std::string shared = shared_dir();
  return !shared.empty() && is_dir(shared + "/reference") ? shared + "/reference" : "";
}

H5File::H5File(const std::string& path) : path_(path) {
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  id_ = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  if (id_ < 0) throw std::runtime_error("cannot open HDF5 file " + path);
}

H5File::~H5File() { H5Fclose(hid_t(id_)); }

bool H5File::has(const std::string& dataset) const { return H5Lexists(hid_t(id_), dataset.c_str(), H5P_DEFAULT) > 0; }

std::vector<std::uint64_t> H5File::shape(const std::string& dataset) const {
  hid_t ds = H5Dopen2(hid_t(id_), dataset.c_str(), H5P_DEFAULT);
  if (ds < 0) throw std::runtime_error(path_ + ": no dataset " + dataset);
  hid_t space = H5Dget_space(ds);
  int rank = H5Sget_simple_extent_ndims(space);
  std::vector<hsize_t> dims(std::size_t(std::max(rank, 0)));
  H5Sget_simple_extent_dims(space, dims.data(), nullptr);
  H5Sclose(space);
  H5Dclose(ds);
  return {dims.begin(), dims.end()};
}

std::vector<double> H5File::doubles(const std::string& d) const {
  return read_dataset<double>(hid_t(id_), path_, d, H5T_NATIVE_DOUBLE);
}
std::vector<float> H5File::floats(const std::string& d) const {
  return read_dataset<float>(hid_t(id_), path_, d, H5T_NATIVE_FLOAT);
}
std::vector<std::int64_t> H5File::ints(const std::string& d) const {
  return read_dataset<std::int64_t>(hid_t(id_), path_, d, H5T_NATIVE_INT64);
}

double H5File::attribute_double(const std::string& object, const std::string& name) const {
  return read_attribute<double>(hid_t(id_), path_, object, name, H5T_NATIVE_DOUBLE)[0];
}

std::vector<std::int64_t> H5File::attribute_ints(const std::string& object, const std::string& name) const {
  return read_attribute<std::int64_t>(hid_t(id_), path_, object, name, H5T_NATIVE_INT64);
}

std::string H5File::attribute_string(const std::string& object, const std::string& name) const {
  hid_t attr = H5Aopen_by_name(hid_t(id_), object.c_str(), name.c_str(), H5P_DEFAULT, H5P_DEFAULT);
  if (attr < 0) throw std::runtime_error(path_ + ": no attribute " + object + "@" + name);
  hid_t type = H5Aget_type(attr);
  std::string out;
  if (H5Tis_variable_str(type) > 0) {
    hid_t mem = H5Tcopy(H5T_C_S1);
    H5Tset_size(mem, H5T_VARIABLE);
    H5Tset_cset(mem, H5Tget_cset(type));
    char* text = nullptr;
    if (H5Aread(attr, mem, &text) >= 0 && text) out = text;
    H5free_memory(text);
    H5Tclose(mem);
  } else {
    std::vector<char> buffer(H5Tget_size(type) + 1, 0);
    H5Aread(attr, type, buffer.data());
    out = buffer.data();
  }
  H5Tclose(type);
  H5Aclose(attr);
  return out;
}

}  // namespace pollux::test
