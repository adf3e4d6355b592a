// Acting as the bootstrap superuser for the extension's own objects.
#include "pg/durability/superuser.hpp"

extern "C" {
#include "catalog/pg_authid.h"
#include "miscadmin.h"
}

namespace flakeid::pg {

SavedUser become_superuser() {
  SavedUser saved;
  GetUserIdAndSecContext(&saved.user, &saved.context);
  SetUserIdAndSecContext(BOOTSTRAP_SUPERUSERID, saved.context | SECURITY_LOCAL_USERID_CHANGE);
  return saved;
}

void restore_user(const SavedUser& saved) {
  SetUserIdAndSecContext(saved.user, saved.context);
}

}  // namespace flakeid::pg
