#include <fstream>
#include <iostream>
#include <iterator>
#include <stdexcept>

#include "app/commands.h"
#include "app/runtime.h"
#include "domain/role.h"
#include "services/account_service.h"

namespace cadenza::app {

namespace {

std::string ReadPassword(const std::string& file) {
  std::string password;
  if (file == "-") {
    std::getline(std::cin, password);
  } else {
    std::ifstream in(file, std::ios::binary);
    if (!in) throw std::runtime_error("cannot read password file " + file);
    password.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  // A trailing newline is how editors and `echo` end files; it is never part of a password.
  while (!password.empty() && (password.back() == '\n' || password.back() == '\r')) password.pop_back();
  return password;
}

}  // namespace

int RunUserCreate(const Config& config, const UserCreateArgs& args) {
  auto role = ParseRole(args.role);
  if (!role) throw std::runtime_error("--role must be listener, artist or admin");
  std::string password = ReadPassword(args.password_file);
  Runtime runtime(config);
  std::string display_name = args.display_name.empty() ? args.email.substr(0, args.email.find('@'))
                                                       : args.display_name;
  User user = runtime.accounts().CreateUser(args.email, password, display_name, *role);
  std::cout << "created " << RoleName(user.role) << " " << user.email << " (id " << user.id << ")\n";
  return 0;
}

int RunUserList(const Config& config) {
  Runtime runtime(config);
  PageRequest page;
  page.limit = 200;
  for (;;) {
    Page<User> users = runtime.accounts().ListUsers(page);
    for (const User& u : users.items) {
      std::cout << u.id << "  " << RoleName(u.role) << "  " << u.email
                << (u.disabled_at ? "  (disabled)" : "") << "\n";
    }
    if (!users.next_after_id) break;
    page.after_id = users.next_after_id;
  }
  return 0;
}

int RunUserSetDisabled(const Config& config, const std::string& email_or_id, bool disabled) {
  Runtime runtime(config);
  runtime.accounts().SetDisabled(email_or_id, disabled);
  std::cout << (disabled ? "disabled " : "enabled ") << email_or_id << "\n";
  return 0;
}

int RunUserSetRole(const Config& config, const std::string& email_or_id, const std::string& role) {
  auto parsed = ParseRole(role);
  if (!parsed) throw std::runtime_error("the role must be listener, artist or admin");
  Runtime runtime(config);
  User user = runtime.accounts().SetRole(email_or_id, *parsed);
  std::cout << user.email << " is now " << RoleName(user.role) << "\n";
  return 0;
}

}  // namespace cadenza::app
