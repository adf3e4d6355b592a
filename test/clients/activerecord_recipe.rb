# The Active Record recipe of docs/orm-recipes.md, run against a real server.
#
# Rails' Active Record (Debian 12's ruby-activerecord 6.1) with the pg gem (ruby-pg).
# Connects with libpq's PGHOST, PGPORT, PGDATABASE (and PGUSER), whose database has flakeid
# installed and the twitter layout. FLAKEID_TEST_OUT is a directory: the JSON that
# Active Record's to_json writes goes there, for test/clients/orm_json_check.js to read
# with JSON.parse. FLAKEID_TEST_KEY_TYPE is the SQL type of the key column (bigint by
# default).
#
# The recipe: a migration makes the key `id: :bigint, default: -> { "flakeid_next()" }`;
# Active Record leaves it out of the INSERT and reads it back with RETURNING (create, and
# insert_all with returning:). Another column with a flakeid default is read back on create
# only from Rails 7.1 on; before, reload the record. to_json writes a bigint as a JSON
# number, which JavaScript rounds above 2^53: the FlakeIdJson concern writes the keys it
# names as strings. Prints one line per check and exits 1 on the first failure.
require "active_record"
require "active_record/connection_adapters/postgresql_adapter"
require "pg"

ROWS = 1000
KEY_TYPE = ENV.fetch("FLAKEID_TEST_KEY_TYPE", "bigint")
$checks = 0

# Counts and prints a passed check, or prints the failure and exits 1.
def check(condition, what)
  unless condition
    puts "FAIL: #{what}"
    exit 1
  end
  $checks += 1
  puts "ok: #{what}"
end

# Host, port and user left out: libpq takes them from PGHOST, PGPORT and PGUSER.
ActiveRecord::Base.establish_connection(adapter: "postgresql",
                                        database: ENV.fetch("PGDATABASE", "postgres"))

# ---- the recipe (docs/orm-recipes.md, "Rails: Active Record") ----
class CreateRailsOrders < ActiveRecord::Migration[6.1]
  # The table, keyed by flakeid; ref is a second flakeid column (not the key).
  def change
    create_table :rails_orders, id: KEY_TYPE.to_sym, default: -> { "flakeid_next()" } do |t|
      t.integer :n, null: false
      t.text :note
      t.column :ref, KEY_TYPE.to_sym, null: false, default: -> { "flakeid_next()" }
    end
  end
end

# A column of the flakeid type (not bigint) is a string to Active Record, as the pg gem
# gives it: registered by name, so that Active Record knows the type (without this it
# warns "unknown OID ...: failed to recognize type of 'id'. It will be treated as String").
# Active Record 6.1 fills the type map per connection (an instance method); 7.0 and later
# per adapter class.
module FlakeIdTypeMap
  # Adds flakeid to the type map Active Record builds.
  def initialize_type_map(m = type_map)
    super
    m.register_type("flakeid", ActiveRecord::Type::String.new)
  end
end
adapter = ActiveRecord::ConnectionAdapters::PostgreSQLAdapter
if adapter.respond_to?(:initialize_type_map, true)
  adapter.singleton_class.prepend(FlakeIdTypeMap)
else
  adapter.prepend(FlakeIdTypeMap)
end

# Writes the flakeid columns a model names (flakeid_json :id, :ref) as JSON strings.
module FlakeIdJson
  extend ActiveSupport::Concern

  class_methods do
    # Names the columns to_json and as_json write as strings.
    def flakeid_json(*names)
      @flakeid_json = names.map(&:to_s)
    end

    # The columns named by flakeid_json, here or in a parent class.
    def flakeid_json_columns
      @flakeid_json || (superclass.respond_to?(:flakeid_json_columns) ? superclass.flakeid_json_columns : [])
    end
  end

  # The attributes as to_json and as_json give them out, the flakeid columns as strings.
  def serializable_hash(options = nil)
    super.tap do |hash|
      self.class.flakeid_json_columns.each do |name|
        hash[name] = hash[name].to_s if hash.key?(name) && !hash[name].nil?
      end
    end
  end
end

class ApplicationRecord < ActiveRecord::Base
  self.abstract_class = true
  include FlakeIdJson
end

# Orders for a JavaScript client: the keys as strings.
class Order < ApplicationRecord
  self.table_name = "rails_orders"
  flakeid_json :id, :ref
end

# ---- Active Record's default, for comparison: the key as a JSON number ----
class PlainOrder < ActiveRecord::Base
  self.table_name = "rails_orders"
end

# The value of column `col` of row n as the server prints it (col::text).
def server_text(col, n)
  ActiveRecord::Base.connection.select_value(
    "SELECT #{col}::text FROM rails_orders WHERE n = #{Integer(n)}")
end

# Writes serializer output to FLAKEID_TEST_OUT/name.
def write(name, json)
  path = File.join(ENV.fetch("FLAKEID_TEST_OUT"), name)
  File.write(path, json)
  puts "written: #{path}"
end

puts "Active Record #{ActiveRecord.version}, pg #{PG::VERSION}, Ruby #{RUBY_VERSION}, " \
     "key column #{KEY_TYPE}"
ActiveRecord::Migration.verbose = false
CreateRailsOrders.migrate(:up)
column = ActiveRecord::Base.connection.select_rows(<<~SQL).first
  SELECT format_type(atttypid, atttypmod), pg_get_expr(adbin, adrelid)
  FROM pg_attribute JOIN pg_attrdef ON (adrelid, adnum) = (attrelid, attnum)
  WHERE attrelid = 'rails_orders'::regclass AND attname = 'id'
SQL
check(column == [KEY_TYPE, "flakeid_next()"], "the key column is #{column[0]} DEFAULT #{column[1]}")

# One row: create leaves the key out of the INSERT and reads it back (RETURNING "id").
order = Order.create!(n: 0, note: "one")
check(order.id.to_s == server_text(:id, 0),
      "create! returns the key the server made: #{order.id.inspect}")
if ActiveRecord.version >= Gem::Version.new("7.1")
  check(order.ref.to_s == server_text(:ref, 0),
        "Rails 7.1+: create! also returns ref, made by its DEFAULT")
else
  check(order.ref.nil?, "Active Record #{ActiveRecord.version} (before 7.1) leaves ref, " \
        "made by its DEFAULT, nil after create!")
  order.reload
  check(order.ref.to_s == server_text(:ref, 0), "reload reads ref: #{order.ref}")
end
check(Order.find(order.id).n == 0, "find(key) reads the row back by that key")
check(Order.find(order.id.to_s).n == 0,
      "find(the key as a string, as JSON brings it back) finds it too")

# 1000 rows in one INSERT: insert_all with returning: reads every key back.
result = Order.insert_all((1..ROWS).map { |n| { n: n, note: "row #{n}" } },
                          returning: %w[id n])
returned = result.rows.to_h { |id, n| [n, id] }
by_n = ActiveRecord::Base.connection.select_rows(
  "SELECT n, id::text FROM rails_orders WHERE n > 0").to_h
same = returned.count { |n, id| by_n[n] == id.to_s }
check(same == ROWS, "insert_all(#{ROWS} rows, returning: %w[id n]) in one INSERT " \
      "returns each row's key exactly")
keys = by_n.values.map(&:to_i).sort
check(keys.uniq.size == ROWS && keys.last - keys.first < 1000 << 22,
      "the keys are distinct and made within a second (neighbours differ in low bits)")

write("rails-plain.json", PlainOrder.order(:n).select(:id, :n, :note).to_json)
first = Order.order(:n).first.as_json
check(first["id"] == server_text(:id, 0) && first["ref"] == server_text(:ref, 0),
      "as_json gives id and ref as the strings the server prints")
write("rails-fixed.json", Order.order(:n).select(:id, :n, :note, :ref).to_json)

puts "activerecord recipe: #{$checks} passed, 0 failed"
