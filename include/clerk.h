/**
 * @file clerk.h
 * @brief libclerk: a C client for Clerk's Backend API.  Umbrella header.
 *
 * Include this for the runtime and for authentication (clerk/auth.h);
 * include `<clerk/api/TAG.h>` for the endpoints of one tag, or
 * `<clerk/api/all.h>` for all of them (and `<clerk/model/all.h>` for every
 * model).  Anything not declared in these headers is not part of the API.
 */
#ifndef CLERK_H
#define CLERK_H

#include <clerk/async.h>
#include <clerk/auth.h>
#include <clerk/client.h>
#include <clerk/pager.h>
#include <clerk/common.h>
#include <clerk/response.h>
#include <clerk/status.h>
#include <clerk/types.h>
#include <clerk/version.h>

#endif /* CLERK_H */
