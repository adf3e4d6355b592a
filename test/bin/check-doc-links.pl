#!/usr/bin/perl
# check-doc-links.pl [ROOT]: every relative link of the documentation (README.md,
# CONTRIBUTING.md, CHANGELOG.md, docs/*.md) resolves: to a file or folder of the tree and,
# with a #fragment, to a heading of that page, named as GitHub names its anchors. Prints
# each broken link as FILE:LINE: TARGET and exits 1 if there is one. Links with a scheme
# (https:, mailto:) are not followed.
use strict;
use warnings FATAL => 'all';
use File::Basename qw(dirname);
use File::Spec;

my $root = shift // File::Spec->catdir(dirname(__FILE__), '..', '..');
my @pages = grep { -f } map { "$root/$_" } ('README.md', 'CONTRIBUTING.md', 'CHANGELOG.md');
push @pages, sort glob("$root/docs/*.md");

# The anchors GitHub gives a page's headings: lower case, punctuation dropped, spaces to
# hyphens, a repeated one numbered (-1, -2 ...). Headings inside ``` blocks are none.
my %anchors;
sub anchors_of
{
	my ($page) = @_;
	return $anchors{$page} if $anchors{$page};
	my (%seen, %set);
	open my $fh, '<:encoding(UTF-8)', $page or die "$page: $!";
	my $fenced = 0;
	while (my $line = <$fh>)
	{
		$fenced = !$fenced if $line =~ /^\s*```/;
		next if $fenced || $line !~ /^#{1,6}\s+(.*?)\s*#*\s*$/;
		my $slug = lc $1;
		$slug =~ s/\[([^\]]*)\]\([^)]*\)/$1/g;    # a link in a heading: its text
		$slug =~ s/[^\w\- ]//g;
		$slug =~ s/ /-/g;
		my $n = $seen{$slug}++;
		$set{ $n ? "$slug-$n" : $slug } = 1;
	}
	close $fh;
	return $anchors{$page} = \%set;
}

my $broken = 0;
for my $page (@pages)
{
	open my $fh, '<:encoding(UTF-8)', $page or die "$page: $!";
	my $fenced = 0;
	while (my $line = <$fh>)
	{
		my $lineno = $.;
		$fenced = !$fenced if $line =~ /^\s*```/;
		next if $fenced;
		(my $text = $line) =~ s/`[^`]*`//g;    # inline code is no link
		while ($text =~ /\]\(([^)\s]+)\)/g)
		{
			my $target = $1;
			next if $target =~ /^[a-z][a-z0-9+.-]*:/i;
			my ($path, $fragment) = $target =~ /^([^#]*)(?:#(.*))?$/;
			my $file = $path eq '' ? $page : File::Spec->catfile(dirname($page), $path);
			my $ok = -e $file;
			$ok &&= exists anchors_of($file)->{$fragment}
			  if $ok && defined $fragment && -f $file;
			next if $ok;
			(my $name = $page) =~ s{^\Q$root\E/}{};
			print "$name:$lineno: $target\n";
			$broken++;
		}
	}
	close $fh;
}
exit($broken ? 1 : 0);
