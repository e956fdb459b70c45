/*
 * List organizations, then the memberships of one of them (the first
 * listed, or ORGANIZATION_ID).
 *
 *   CLERK_SECRET_KEY=sk_test_... ./list_organizations [ORGANIZATION_ID]
 */
#include <clerk.h>
#include <clerk/api/organization_memberships.h>
#include <clerk/api/organizations.h>

#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
    clerk_client_t *client = NULL;
    clerk_organizations_t *orgs = NULL;
    clerk_organization_memberships_t *members = NULL;
    const char *org_id = argc > 1 ? argv[1] : NULL;
    int rc = 1;

    if (clerk_client_new(&client, NULL) != CLERK_OK) /* $CLERK_API_URL, $CLERK_SECRET_KEY */
        goto done;

    orgs = clerk_organizations_list(
        client, &(clerk_organizations_list_params_t){ .limit = CLERK_INT(10) });
    if (orgs == NULL) {
        fprintf(stderr, "organizations_list: %s\n", clerk_last_error()->message);
        goto done;
    }
    printf(
        "%zu organizations (of %lld)\n", orgs->data.count,
        (long long)clerk_opt_int64_or(orgs->total_count, -1));
    for (size_t i = 0; i < orgs->data.count; i++) {
        const clerk_organization_t *o = &orgs->data.items[i];
        printf("  %s  %s\n", o->id ? o->id : "-", o->name ? o->name : "");
    }
    if (org_id == NULL && orgs->data.count > 0)
        org_id = orgs->data.items[0].id;
    if (org_id == NULL) {
        rc = 0;
        goto done;
    }

    members = clerk_organization_memberships_list(
        client, org_id,
        &(clerk_organization_memberships_list_params_t){
            .limit = CLERK_INT(20) });
    if (members == NULL) {
        fprintf(
            stderr, "organization_memberships_list: %s\n",
            clerk_last_error()->message);
        goto done;
    }
    printf("memberships of %s: %zu\n", org_id, members->data.count);
    for (size_t i = 0; i < members->data.count; i++) {
        const clerk_organization_membership_t *m = &members->data.items[i];
        const clerk_organization_membership_public_user_data_t *u =
            m->public_user_data;
        printf(
            "  %s  %s\n", m->role ? m->role : "-",
            u ? clerk_opt_str_or(u->identifier, u->user_id ? u->user_id : "-")
              : "-");
    }
    rc = 0;
done:
    clerk_organization_memberships_free(members);
    clerk_organizations_free(orgs);
    clerk_client_free(client);
    return rc;
}
